/**
 * A refusal a handler (or a guard) answers with: an HTTP status, a stable machine code and a
 * sentence a person understands. It becomes the contract's `apiError` body. Anything thrown that
 * is not an ApiFailure becomes a generic 500: internal messages can carry PHI or paths.
 */
import type { ApiError } from '../../../shared/contract/define';

export type ApiIssue = { path: string; message: string };

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[] | undefined;

  constructor(status: number, code: string, message: string, issues?: ApiIssue[]) {
    super(message);
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new RangeError('ApiFailure: status must be 4xx/5xx');
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  toBody(): ApiError {
    return {
      error: { code: this.code, message: this.message, ...(this.issues === undefined ? {} : { issues: this.issues }) },
    };
  }
}

/** Sentences used by more than one layer, so every refusal of a kind reads the same. */
export const FAILURES = {
  unauthorized: () => new ApiFailure(401, 'unauthorized', 'This request lacks the app session secret. Reopen Attest.'),
  forbiddenHost: () =>
    new ApiFailure(403, 'forbidden_host', 'Requests must address this app by 127.0.0.1 or localhost.'),
  forbiddenOrigin: () => new ApiFailure(403, 'forbidden_origin', 'Requests from this origin are not allowed.'),
  forbiddenFetch: () => new ApiFailure(403, 'forbidden_fetch', 'The API answers scripted requests from the app only.'),
  notFound: () => new ApiFailure(404, 'not_found', 'There is nothing at this address.'),
  methodNotAllowed: () => new ApiFailure(405, 'method_not_allowed', 'This address does not accept that method.'),
  unsupportedMediaType: () =>
    new ApiFailure(415, 'unsupported_media_type', 'Changes must be sent as JSON (Content-Type: application/json).'),
  tooLarge: (limit: number) =>
    new ApiFailure(413, 'payload_too_large', `The request body is larger than ${limit} bytes.`),
  badRequest: (message: string) => new ApiFailure(400, 'bad_request', message),
  internal: () =>
    new ApiFailure(
      500,
      'internal',
      'Something went wrong inside Attest. Try again; if it keeps happening, restart the app.',
    ),
} as const;
