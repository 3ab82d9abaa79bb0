/**
 * Everything that can go wrong talking to the regional backend, classified so that sync can
 * decide: retry later (network, timeout, 429, 5xx), ask the person to sign in again (401 after
 * one refresh), or record a refusal (other 4xx). `message` is a sentence a person understands.
 */
export type RemoteErrorKind =
  | 'network'
  | 'timeout'
  | 'rate-limited'
  | 'server'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rejected'
  | 'invalid-response'
  | 'too-large'
  | 'region-violation';

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly kind: RemoteErrorKind,
    message: string,
    readonly details: {
      status?: number;
      /** The backend's own `detail`, when it sent one. */
      detail?: unknown;
      requestId?: string | null;
      /** Seconds, from Retry-After. */
      retryAfter?: number | null;
      path?: string;
    } = {},
  ) {
    super(message);
  }

  /** Whether trying the same request later may succeed without anyone changing anything. */
  get transient(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'rate-limited' || this.kind === 'server';
  }
}
