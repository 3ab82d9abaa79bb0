/**
 * The two ways a call to the local workspace API fails, kept apart because the screen says
 * different things: the server answered "no" (ApiCallError), or nothing answered at all
 * (ServerUnreachableError).
 */

export interface ApiIssue {
  path: string;
  message: string;
}

/** Code for an error answer that did not carry the contract's error body. */
export const UNEXPECTED_RESPONSE = 'unexpected_response';

/**
 * The server (or something posing as it) answered, but not with what the route promises.
 * `status` is the HTTP status, or 0 when the request was refused before it was sent.
 */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  readonly status: number;
  readonly code: string;
  readonly issues: readonly ApiIssue[] | undefined;

  constructor(init: { status: number; code: string; message: string; issues?: readonly ApiIssue[] | undefined }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.issues = init.issues;
  }
}

export const SERVER_UNREACHABLE_MESSAGE =
  'The local workspace server is not reachable. Attest keeps trying; if this lasts, restart Attest.';
const SERVER_TIMEOUT_MESSAGE =
  'The local workspace server did not answer in time. Attest keeps trying; if this lasts, restart Attest.';

/** No HTTP answer at all: the connection failed, was reset, or timed out. */
export class ServerUnreachableError extends Error {
  override readonly name = 'ServerUnreachableError';
  readonly reason: 'network' | 'timeout';

  constructor(reason: 'network' | 'timeout', options?: { cause?: unknown }) {
    super(reason === 'timeout' ? SERVER_TIMEOUT_MESSAGE : SERVER_UNREACHABLE_MESSAGE, options);
    this.reason = reason;
  }
}

export const describeStatus = (status: number): string => `HTTP ${status}`;

/** A sentence for the screen, whatever was thrown. Messages of our own errors are written for people. */
export const describeApiFailure = (error: unknown): string => {
  if (error instanceof ApiCallError || error instanceof ServerUnreachableError) return error.message;
  return 'Something went wrong while talking to the local workspace server.';
};

/**
 * The session changed under us (signed out, locked, revoked): the caller should re-read the
 * session rather than show the error. The server answers 401 for a missing or locked session.
 */
export const isSessionProblem = (error: unknown): boolean =>
  error instanceof ApiCallError && (error.status === 401 || error.status === 423);
