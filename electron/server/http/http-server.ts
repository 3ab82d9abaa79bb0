/**
 * The workspace server's HTTP front door (architecture.md §4, security-bar L-01…L-08). In order,
 * every request passes: Host allowlist (DNS rebinding) → Origin allowlist (CSRF; preflights are
 * answered here, for allowed origins only) → no secret in the query string → the per-launch
 * secret → Fetch Metadata and JSON-only writes on /api → body size cap → the router (schemas,
 * session) or, in browser mode, the built renderer. Every answer is `no-store`, `nosniff`,
 * `no-referrer`; errors use the contract's shape and never carry a stack or PHI.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiFailure, FAILURES } from './api-failure';
import {
  checkOrigin,
  fetchModeAllowedForApi,
  hostAllowed,
  isJsonContentType,
  presentedSecret,
  selfOrigins,
  sessionCookie,
  STATE_CHANGING_METHODS,
} from './request-guards';
import { describeUnexpectedError, type Router } from './router';
import type { Secret } from './secret';
import { createStaticSite, PAGE_CSP, type StaticSite } from './static-files';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** JSON nesting deeper than this is refused before parsing (security-bar F-02). */
export const MAX_JSON_DEPTH = 64;

export interface HttpServerOptions {
  secret: Secret;
  /**
   * Origins allowed besides the server's own (`http://127.0.0.1:<port>`, `http://localhost:<port>`,
   * always allowed): the desktop renderer's `app://attest`.
   */
  allowedOrigins: string[];
  /**
   * Browser mode: the built renderer to serve. Also turns on the launch URL (`/?token=`) and the
   * session cookie; without it (desktop) only `Authorization: Bearer` is accepted.
   */
  staticDir?: string;
  router: Router;
  /** Throws an ApiFailure (401 signed out, 423 locked) when no session is open. */
  requireSession: () => void;
  maxBodyBytes?: number;
  /** L-08 time limits. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Unexpected errors, without messages (they may hold PHI). Default: stderr. */
  logError?: (line: string) => void;
}

export interface HttpServer {
  /** Binds 127.0.0.1 only (L-01); port 0 (default) lets the OS pick. */
  listen(port?: number): Promise<{ port: number; url: string }>;
  /** Stops listening and drops open connections (L-10). */
  close(): Promise<void>;
}

const BASE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // Other origins cannot embed our responses as no-cors subresources (<img>, <script>).
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Replaced by PAGE_CSP on HTML; for everything else nothing may load or frame.
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

const ALLOWED_METHODS = 'GET, POST, PUT, DELETE';
const ALLOWED_REQUEST_HEADERS = 'authorization, content-type';

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
};

const sendFailure = (res: ServerResponse, failure: ApiFailure): void => sendJson(res, failure.status, failure.toBody());

/** Depth of the deepest array/object, scanning text (strings skipped) before JSON.parse sees it. */
export const jsonDepthExceeds = (text: string, limit: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
};

/**
 * Reads the body, counting bytes as they arrive (Content-Length is checked first but not
 * trusted). Over the cap: stop collecting and answer 413; the rest is discarded, not buffered.
 */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      reject(FAILURES.tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        reject(FAILURES.tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });

const utf8 = new TextDecoder('utf-8', { fatal: true });

const parseJsonBody = (raw: Buffer): unknown => {
  if (raw.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw FAILURES.badRequest('The request body is not valid UTF-8.');
  }
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw FAILURES.badRequest('The request body is nested too deeply.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiFailure(400, 'invalid_json', 'The request body is not valid JSON.');
  }
};

export const createHttpServer = (options: HttpServerOptions): HttpServer => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logError = options.logError ?? ((line: string) => console.error(line));
  const browserMode = options.staticDir !== undefined;
  const site: StaticSite | null = options.staticDir === undefined ? null : createStaticSite(options.staticDir);
  let port = -1;
  let allowedOrigins: ReadonlySet<string> = new Set();

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, rawPath: string): Promise<void> => {
    const method = req.method ?? '';
    if (!fetchModeAllowedForApi(req)) throw FAILURES.forbiddenFetch();
    const changes = STATE_CHANGING_METHODS.has(method);
    if (changes && !isJsonContentType(req)) throw FAILURES.unsupportedMediaType();
    const found = options.router.match(method, rawPath);
    if (found.kind === 'none') throw FAILURES.notFound();
    if (found.kind === 'method-not-allowed') {
      res.setHeader('Allow', [...new Set(found.allowed)].join(', '));
      throw FAILURES.methodNotAllowed();
    }
    let body: unknown;
    if (changes) {
      try {
        body = parseJsonBody(await readBody(req, maxBodyBytes));
      } catch (error) {
        // Do not keep the connection for the rest of an oversized upload.
        if (error instanceof ApiFailure && error.status === 413) res.setHeader('Connection', 'close');
        throw error;
      }
    }
    const secretBefore = options.secret.reveal();
    const result = await options.router.dispatch(found.match, {
      url,
      body,
      req,
      requireSession: options.requireSession,
    });
    // A handler rotated the secret (sign-out): the browser tab that asked keeps working with the
    // new one, every other holder of the old one is locked out. Only for a cookie-authenticated
    // request, which proved it held the old secret.
    if (browserMode && req.headers.authorization === undefined && options.secret.reveal() !== secretBefore) {
      res.setHeader('Set-Cookie', sessionCookie(options.secret.reveal()));
    }
    sendJson(res, result.status, result.body);
  };

  const handleStatic = async (req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> => {
    if (site === null) throw FAILURES.notFound();
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      throw FAILURES.methodNotAllowed();
    }
    const file = await site.resolve(rawPath);
    const headers: Record<string, string | number> = {
      'Content-Type': file.contentType,
      'Content-Length': file.body.length,
    };
    if (file.isHtml) {
      headers['Content-Security-Policy'] = PAGE_CSP;
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    }
    res.writeHead(200, headers);
    res.end(file.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(BASE_HEADERS)) res.setHeader(name, value);
    // L-02 before anything else: a rebinding page learns nothing, not even which routes exist.
    if (!hostAllowed(req, port)) throw FAILURES.forbiddenHost();
    const origin = checkOrigin(req, allowedOrigins);
    if (origin === 'forbidden') throw FAILURES.forbiddenOrigin();
    if (origin === 'allowed') {
      // Cross-origin (the desktop renderer): the browser needs ACAO to hand it the answer. No
      // Allow-Credentials: the secret travels in a header the page sets, not as a credential.
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '');
      res.setHeader('Vary', 'Origin');
    }

    const rawUrl = req.url ?? '';
    // Origin-form only: not `http://…` (absolute-form) and not `//host/…`, which URL parsing would
    // read as another host.
    if (!rawUrl.startsWith('/') || rawUrl.startsWith('//')) throw FAILURES.badRequest('The address is not valid.');
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    let url: URL;
    try {
      url = new URL(rawUrl, `http://127.0.0.1:${port}`);
    } catch {
      throw FAILURES.badRequest('The address is not valid.');
    }

    if (req.method === 'OPTIONS') {
      if (origin !== 'allowed' || req.headers['access-control-request-method'] === undefined) {
        throw FAILURES.methodNotAllowed();
      }
      const headers: Record<string, string> = {
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_REQUEST_HEADERS,
        'Access-Control-Max-Age': '600',
      };
      // Chromium's Private/Local Network Access asks before a page from another address space
      // (the desktop renderer's app:// origin) calls a loopback server. Said yes only here, to an
      // origin already on the allowlist; a web page never gets this far.
      if (req.headers['access-control-request-private-network'] === 'true') {
        headers['Access-Control-Allow-Private-Network'] = 'true';
      }
      res.writeHead(204, headers);
      res.end();
      return;
    }

    // L-03: a secret in a URL leaks into history and logs. The one exception is the browser-mode
    // launch URL, swapped at once for a cookie and a clean URL.
    if (url.searchParams.has('token')) {
      const launch = browserMode && req.method === 'GET' && rawPath === '/';
      if (!launch || !options.secret.matches(url.searchParams.get('token') ?? undefined)) throw FAILURES.unauthorized();
      res.writeHead(302, { 'Set-Cookie': sessionCookie(options.secret.reveal()), Location: '/', 'Content-Length': 0 });
      res.end();
      return;
    }
    if (!options.secret.matches(presentedSecret(req, browserMode))) throw FAILURES.unauthorized();

    if (rawPath === '/api' || rawPath.startsWith('/api/')) await handleApi(req, res, url, rawPath);
    else await handleStatic(req, res, rawPath);
  };

  const server = createServer(
    {
      maxHeaderSize: 16 * 1024,
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: 5_000,
      // How often the timeouts above are enforced (Node's default is 30 s).
      connectionsCheckingInterval: 1_000,
      requireHostHeader: true,
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (error instanceof ApiFailure) {
          sendFailure(res, error);
          return;
        }
        logError(`[attest http] unexpected error\n${describeUnexpectedError(error)}`);
        sendFailure(res, FAILURES.internal());
      });
    },
  );
  // L-08: a local client opening sockets without end gets refused at the door.
  server.maxConnections = 64;
  // L-06: no WebSockets here; refuse upgrades outright instead of treating them as requests.
  server.on('upgrade', (_req, socket) => {
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  let listening = false;
  return {
    listen: (requestedPort = 0) =>
      new Promise((resolve, reject) => {
        if (listening) {
          reject(new Error('The HTTP server is already listening'));
          return;
        }
        listening = true;
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: requestedPort, exclusive: true }, () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          allowedOrigins = new Set([...selfOrigins(port), ...options.allowedOrigins.map((o) => o.toLowerCase())]);
          resolve({ port, url: `http://127.0.0.1:${port}` });
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
