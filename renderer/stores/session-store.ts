/**
 * Session store: what the workspace server says about who is signed in, polled so that a lock
 * (idle timeout, revoked session), a finished browser sign-in or an approved device code shows up
 * without user action; and the person's own session actions: where to sign in, SSO or a code,
 * the workspace picker, lock, sign-out, and the activity that keeps the idle lock away.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SessionStatus, SessionView } from '../../shared/contract';
import { type ApiClient, ServerUnreachableError, describeApiFailure } from '../api/client';
import { createPoller } from './poller';
import { AuthorizationUrlError } from '../bridge/open-authorization-url';

/** How the authorization URL left the app: in the system browser, or by navigating this page. */
export type OpenResult = 'external' | 'navigated';
export type AuthorizationOpener = (url: string) => Promise<OpenResult>;

/** Whether we have a usable answer from the server yet, separate from the session status. */
export type SessionLoad = 'loading' | 'ready' | 'unreachable' | 'failed';

/** The sign-in screen's choice: one of the listed targets, or a server address typed in. */
export type TargetChoice = { kind: 'target'; id: string } | { kind: 'server'; address: string };

export interface SessionState {
  session: SessionView | null;
  /** Mirrors `session.status` so components can select one primitive. */
  status: SessionStatus | null;
  load: SessionLoad;
  /** Why the last read of the session failed, as a sentence; null after a good read. */
  problem: string | null;
  /** Desktop: the identity provider is open in the system browser and we wait for it. */
  awaitingBrowser: boolean;
  /** The person's choice of where to sign in; null: the server's default. */
  choice: TargetChoice | null;
  signInPending: boolean;
  /** A failure of ours around sign-in (not the server's `lastError`). */
  signInError: string | null;
  signOutPending: boolean;
  /** The workspace being opened from the picker (or the header's switcher). */
  openingWorkspace: string | null;
  workspaceError: string | null;
  refresh(): Promise<void>;
  choose(choice: TargetChoice): void;
  signIn(): Promise<void>;
  startDeviceSignIn(): Promise<void>;
  cancelSignIn(): Promise<void>;
  chooseWorkspace(workspaceId: string): Promise<void>;
  lock(): Promise<void>;
  signOut(): Promise<void>;
  /** The person did something; sent to the server at most once per throttle interval. */
  reportActivity(): void;
  /** Starts polling; returns the stop function (for effect cleanup). */
  startPolling(): () => void;
}

export const SESSION_POLL_MS = { waiting: 1_000, normal: 5_000, unreachable: 3_000 } as const;

/**
 * Activity is reported at most this often, and at least four times per idle period so a person
 * who keeps working is never locked out: with the 15-minute default, every 30 seconds.
 */
export const activityThrottleMs = (idleLockSeconds: number): number =>
  Math.max(1_000, Math.min(30_000, (idleLockSeconds * 1000) / 4));

export type SessionStore = StoreApi<SessionState>;

export const createSessionStore = (
  api: ApiClient,
  openAuthorizationUrl: AuthorizationOpener,
  now: () => number = Date.now,
): SessionStore => {
  let lastActivitySent = 0;

  const store = createStore<SessionState>()((set, get) => {
    const accept = (session: SessionView): void => {
      const { awaitingBrowser } = get();
      // Stop waiting once the browser round trip ended: the server no longer has a browser
      // sign-in pending (signed in, choosing, failed, cancelled).
      const finished = session.pending?.kind !== 'browser';
      set({
        session,
        status: session.status,
        load: 'ready',
        problem: null,
        awaitingBrowser: awaitingBrowser && !finished,
      });
    };

    const fail = (error: unknown): void => {
      set({
        load: error instanceof ServerUnreachableError ? 'unreachable' : 'failed',
        problem: describeApiFailure(error),
      });
    };

    const requestBody = (): { targetId?: string; server?: string } => {
      const { choice } = get();
      if (choice?.kind === 'server') return { server: choice.address };
      if (choice?.kind === 'target') return { targetId: choice.id };
      return {};
    };

    return {
      session: null,
      status: null,
      load: 'loading',
      problem: null,
      awaitingBrowser: false,
      choice: null,
      signInPending: false,
      signInError: null,
      signOutPending: false,
      openingWorkspace: null,
      workspaceError: null,

      async refresh() {
        try {
          accept(await api.call('session'));
        } catch (error) {
          fail(error);
        }
      },

      choose(choice) {
        set({ choice, signInError: null });
      },

      async signIn() {
        if (get().signInPending) return;
        set({ signInPending: true, signInError: null });
        try {
          const { authorizationUrl } = await api.call('signInStart', { body: requestBody() });
          const how = await openAuthorizationUrl(authorizationUrl);
          set({ awaitingBrowser: how === 'external' });
          // In browser mode the page is leaving; keep the button busy until it does.
          if (how === 'external') set({ signInPending: false });
          poller.kick();
        } catch (error) {
          set({ signInPending: false, signInError: describeSignInFailure(error) });
          poller.kick();
        }
      },

      async startDeviceSignIn() {
        if (get().signInPending) return;
        set({ signInPending: true, signInError: null });
        try {
          accept(await api.call('deviceSignInStart', { body: requestBody() }));
        } catch (error) {
          set({ signInError: describeSignInFailure(error) });
        } finally {
          set({ signInPending: false });
          poller.kick();
        }
      },

      async cancelSignIn() {
        set({ awaitingBrowser: false, signInPending: false });
        try {
          accept(await api.call('signInCancel'));
        } catch (error) {
          fail(error);
        }
      },

      async chooseWorkspace(workspaceId) {
        if (get().openingWorkspace) return;
        set({ openingWorkspace: workspaceId, workspaceError: null });
        try {
          accept(await api.call('chooseWorkspace', { body: { workspaceId } }));
        } catch (error) {
          set({ workspaceError: describeApiFailure(error) });
          poller.kick();
        } finally {
          set({ openingWorkspace: null });
        }
      },

      async lock() {
        try {
          accept(await api.call('lockNow'));
        } catch (error) {
          fail(error);
        }
      },

      async signOut() {
        if (get().signOutPending) return;
        set({ signOutPending: true });
        try {
          accept(await api.call('signOut'));
        } catch (error) {
          fail(error);
        } finally {
          set({ signOutPending: false });
        }
      },

      reportActivity() {
        const { session } = get();
        if (session?.status !== 'signed-in') return;
        const at = now();
        if (at - lastActivitySent < activityThrottleMs(session.idleLockSeconds)) return;
        lastActivitySent = at;
        // A refusal means the session changed (locked meanwhile): read it now.
        api.call('sessionActivity').catch(() => poller.kick());
      },

      startPolling() {
        poller.start();
        return () => poller.stop();
      },
    };
  });

  const poller = createPoller(
    () => store.getState().refresh(),
    () => {
      const { load, session, awaitingBrowser } = store.getState();
      if (load === 'unreachable' || load === 'failed') return SESSION_POLL_MS.unreachable;
      if (awaitingBrowser || session?.pending) return SESSION_POLL_MS.waiting;
      return SESSION_POLL_MS.normal;
    },
  );

  return store;
};

const describeSignInFailure = (error: unknown): string =>
  error instanceof AuthorizationUrlError ? error.message : `Signing in could not start. ${describeApiFailure(error)}`;
