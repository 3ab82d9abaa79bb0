/**
 * Session store: what the workspace server says about who is signed in, polled so that a lock
 * (idle timeout, revoked session) or a finished browser sign-in shows up without user action.
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

export interface SessionState {
  session: SessionView | null;
  /** Mirrors `session.status` so components can select one primitive. */
  status: SessionStatus | null;
  load: SessionLoad;
  /** Why the last read of the session failed, as a sentence; null after a good read. */
  problem: string | null;
  /** Desktop: the identity provider is open in the system browser and we wait for it. */
  awaitingBrowser: boolean;
  signInPending: boolean;
  /** A failure of ours around sign-in (not the server's `lastError`). */
  signInError: string | null;
  signOutPending: boolean;
  refresh(): Promise<void>;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  /** Starts polling; returns the stop function (for effect cleanup). */
  startPolling(): () => void;
}

export const SESSION_POLL_MS = { waiting: 1_000, normal: 5_000, unreachable: 3_000 } as const;

export type SessionStore = StoreApi<SessionState>;

export const createSessionStore = (api: ApiClient, openAuthorizationUrl: AuthorizationOpener): SessionStore => {
  const store = createStore<SessionState>()((set, get) => {
    const accept = (session: SessionView): void => {
      const { awaitingBrowser } = get();
      // Stop waiting once the browser round trip ended: signed in, locked, or a new failure
      // (the server clears lastError when a sign-in starts, so a non-null one is fresh).
      const finished =
        session.status === 'signed-in' ||
        session.status === 'locked' ||
        (session.status === 'signed-out' && session.lastError !== null);
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

    return {
      session: null,
      status: null,
      load: 'loading',
      problem: null,
      awaitingBrowser: false,
      signInPending: false,
      signInError: null,
      signOutPending: false,

      async refresh() {
        try {
          accept(await api.call('session'));
        } catch (error) {
          fail(error);
        }
      },

      async signIn() {
        if (get().signInPending) return;
        set({ signInPending: true, signInError: null });
        try {
          const { authorizationUrl } = await api.call('signInStart');
          const how = await openAuthorizationUrl(authorizationUrl);
          set({ awaitingBrowser: how === 'external' });
          // In browser mode the page is leaving; keep the button busy until it does.
          if (how === 'external') set({ signInPending: false });
          poller.kick();
        } catch (error) {
          set({ signInPending: false, signInError: describeSignInFailure(error) });
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

      startPolling() {
        poller.start();
        return () => poller.stop();
      },
    };
  });

  const poller = createPoller(
    () => store.getState().refresh(),
    () => {
      const { load, status, awaitingBrowser } = store.getState();
      if (load === 'unreachable' || load === 'failed') return SESSION_POLL_MS.unreachable;
      if (awaitingBrowser || status === 'signing-in') return SESSION_POLL_MS.waiting;
      return SESSION_POLL_MS.normal;
    },
  );

  return store;
};

const describeSignInFailure = (error: unknown): string =>
  error instanceof AuthorizationUrlError ? error.message : `Signing in could not start. ${describeApiFailure(error)}`;
