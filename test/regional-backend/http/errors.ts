/**
 * Errors the API answers with, in FastAPI's shapes (amigo-platform-api.md §8.2):
 * 422 `{ detail: [{ loc, msg, type, input?, ctx? }] }` for validation, `{ detail: string }` otherwise.
 */
export interface ValidationIssue {
  loc: Array<string | number>;
  msg: string;
  type: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

export class HttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, detail: string, headers: Readonly<Record<string, string>> = {}) {
    super(detail);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

export class ValidationError extends Error {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; '));
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export const notFound = (detail: string): HttpError => new HttpError(404, detail);
export const forbidden = (detail: string): HttpError => new HttpError(403, detail);
export const conflict = (detail: string): HttpError => new HttpError(409, detail);
