/**
 * Starts the workspace server in an Electron utilityProcess and supervises it (architecture.md §1,
 * §6.3). Main generates a fresh 256-bit secret for every server launch and hands it over the
 * utility process's MessagePort in the `start` message (never argv, env or a file: L-03); the
 * server answers `ready` with its ephemeral port. On an unexpected exit the server is restarted
 * with capped exponential backoff, and after too many crashes the host gives up and says so.
 *
 * The Electron-specific fork lives in utility-process.ts; this module only sees the small
 * {@link ServerChild} interface, so the whole life cycle is unit-tested with a fake child.
 */
import { randomBytes } from 'node:crypto';
import type { ServerConnection } from '../../shared/ipc';
import { DEFAULT_RESTART_POLICY, decideRestart, pruneCrashTimes, type RestartPolicy } from './restart-policy';
import {
  STOP_MESSAGE,
  parseFromServerMessage,
  serverBaseUrl,
  startMessage,
  type ServerStartConfig,
  type ToServerMessage,
} from './server-messages';

/** What the host needs from a forked server process. */
export interface ServerChild {
  postMessage(message: ToServerMessage): void;
  kill(): void;
  onSpawn(listener: () => void): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number) => void): void;
}

export type ForkServer = () => ServerChild;

export type ServerHostStatus = 'idle' | 'starting' | 'ready' | 'backoff' | 'failed' | 'stopping' | 'stopped';

export type ServerHostEvent =
  /** `restarted` is true for every launch after the first: the window must reload to pick up the new port and secret. */
  | { type: 'ready'; connection: ServerConnection; restarted: boolean }
  | { type: 'crashed'; code: number | null; restartInMs: number }
  | { type: 'gave-up'; recentCrashes: number };

export interface ServerHostOptions {
  fork: ForkServer;
  config: ServerStartConfig;
  policy?: RestartPolicy;
  /** A server that has not said `ready` by then is killed and treated as crashed. */
  readyTimeoutMs?: number;
  /** Grace period for a clean shutdown before the process is killed. */
  stopTimeoutMs?: number;
  /** How long `connection()` waits for a server that is (re)starting. */
  connectionTimeoutMs?: number;
  newSecret?: () => string;
  now?: () => number;
  /** Diagnostics only: the host never logs the secret, config values or anything from the server's data. */
  log?: (message: string) => void;
}

export interface ServerHost {
  readonly status: ServerHostStatus;
  /** Launches the server (once) and resolves when it is first ready. */
  start(): Promise<ServerConnection>;
  /** The current connection; waits while the server is starting or restarting. */
  connection(): Promise<ServerConnection>;
  /** After `gave-up`: forget the crash history and try again (the user chose "Retry"). */
  retry(): void;
  /** Graceful stop (on quit); kills the process if it does not exit in time. */
  stop(): Promise<void>;
  onEvent(listener: (event: ServerHostEvent) => void): () => void;
}

/** 32 random bytes from the OS CSPRNG, base64url: well over the 128-bit floor of L-03. */
export function newServerSecret(): string {
  return randomBytes(32).toString('base64url');
}

interface Waiter {
  resolve: (connection: ServerConnection) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export function createServerHost(options: ServerHostOptions): ServerHost {
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 60_000;
  const makeSecret = options.newSecret ?? newServerSecret;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.warn(`[server-host] ${message}`));

  let status: ServerHostStatus = 'idle';
  let child: ServerChild | null = null;
  let current: ServerConnection | null = null;
  let crashTimes: number[] = [];
  let launches = 0;
  let readyTimer: ReturnType<typeof setTimeout> | undefined;
  let backoffTimer: ReturnType<typeof setTimeout> | undefined;
  let stopPromise: Promise<void> | null = null;
  let onStopped: (() => void) | null = null;
  const waiters = new Set<Waiter>();
  const listeners = new Set<(event: ServerHostEvent) => void>();

  function emit(event: ServerHostEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        log(`event listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  function settleWaiters(outcome: { connection: ServerConnection } | { error: Error }): void {
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      if ('connection' in outcome) waiter.resolve(outcome.connection);
      else waiter.reject(outcome.error);
    }
    waiters.clear();
  }

  function launch(): void {
    status = 'starting';
    launches += 1;
    const restarted = launches > 1;
    // A new secret per launch: a secret that leaked from a crashed server is worth nothing afterwards.
    const secret = makeSecret();
    let proc: ServerChild;
    try {
      proc = options.fork();
    } catch (error) {
      log(`could not start the workspace server: ${error instanceof Error ? error.message : String(error)}`);
      child = null;
      onCrash(null);
      return;
    }
    child = proc;

    proc.onSpawn(() => {
      if (child !== proc) return;
      try {
        proc.postMessage(startMessage(secret, options.config));
      } catch (error) {
        log(`could not send the start message: ${error instanceof Error ? error.message : String(error)}`);
        proc.kill();
      }
    });

    proc.onMessage((raw) => {
      if (child !== proc) return;
      const message = parseFromServerMessage(raw);
      if (message === null) {
        log('ignored a malformed message from the workspace server');
        return;
      }
      if (message.type === 'error') {
        log(`the workspace server failed to start: ${message.message}`);
        proc.kill();
        return;
      }
      if (message.type === 'secret-rotated') {
        // Only a running server's rotation counts; the renderer asks for the connection again
        // after its next 401 and gets the new secret through the preload.
        if (status === 'ready' && current) current = { ...current, secret: message.secret };
        return;
      }
      if (status !== 'starting') return;
      clearTimeout(readyTimer);
      current = { baseUrl: serverBaseUrl(message.port), secret };
      status = 'ready';
      settleWaiters({ connection: current });
      emit({ type: 'ready', connection: current, restarted });
    });

    proc.onExit((code) => {
      if (child !== proc) return;
      child = null;
      current = null;
      clearTimeout(readyTimer);
      if (status === 'stopping') {
        onStopped?.();
        return;
      }
      if (status === 'stopped') return;
      log(`the workspace server exited unexpectedly (code ${code})`);
      onCrash(code);
    });

    readyTimer = setTimeout(() => {
      if (child === proc && status === 'starting') {
        log(`the workspace server was not ready after ${readyTimeoutMs} ms; restarting it`);
        proc.kill();
      }
    }, readyTimeoutMs);
  }

  function onCrash(code: number | null): void {
    const at = now();
    crashTimes = pruneCrashTimes([...crashTimes, at], at, policy);
    const decision = decideRestart(crashTimes, at, policy);
    if (decision.action === 'give-up') {
      status = 'failed';
      settleWaiters({ error: new Error('The workspace server keeps stopping; it was not restarted.') });
      emit({ type: 'gave-up', recentCrashes: decision.recentCrashes });
      return;
    }
    status = 'backoff';
    emit({ type: 'crashed', code, restartInMs: decision.delayMs });
    backoffTimer = setTimeout(() => {
      if (status === 'backoff') launch();
    }, decision.delayMs);
  }

  function connection(): Promise<ServerConnection> {
    if (status === 'ready' && current) return Promise.resolve(current);
    if (status === 'failed' || status === 'idle' || status === 'stopping' || status === 'stopped') {
      return Promise.reject(new Error('The workspace server is not running.'));
    }
    return new Promise<ServerConnection>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error('Timed out waiting for the workspace server.'));
        }, connectionTimeoutMs),
      };
      waiters.add(waiter);
    });
  }

  return {
    get status() {
      return status;
    },

    start() {
      if (status === 'idle') launch();
      return connection();
    },

    connection,

    retry() {
      if (status !== 'failed') return;
      crashTimes = [];
      launch();
    },

    stop() {
      if (stopPromise) return stopPromise;
      clearTimeout(backoffTimer);
      clearTimeout(readyTimer);
      settleWaiters({ error: new Error('The workspace server is stopping.') });
      const proc = child;
      if (proc === null) {
        status = 'stopped';
        stopPromise = Promise.resolve();
        return stopPromise;
      }
      status = 'stopping';
      stopPromise = new Promise<void>((resolve) => {
        const killTimer = setTimeout(() => {
          log('the workspace server did not stop in time; killing it');
          proc.kill();
        }, stopTimeoutMs);
        // Never let quitting hang on a process that ignores even kill().
        const giveUpTimer = setTimeout(() => onStopped?.(), stopTimeoutMs * 2);
        onStopped = () => {
          clearTimeout(killTimer);
          clearTimeout(giveUpTimer);
          status = 'stopped';
          resolve();
        };
        try {
          proc.postMessage(STOP_MESSAGE);
        } catch {
          proc.kill();
        }
      });
      return stopPromise;
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
