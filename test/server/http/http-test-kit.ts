/** Raw HTTP requests (node:http: any Host, Origin or Cookie header, unlike fetch) for server tests. */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | undefined>;
  body?: string | Buffer;
  /** Stream the body in chunks without Content-Length (chunked encoding). */
  chunked?: boolean;
}

export const request = (port: number, options: RawRequest = {}): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    // An undefined value leaves the header out (e.g. no Content-Type at all).
    const wanted = new Map<string, string | undefined>([['host', `127.0.0.1:${port}`]]);
    for (const [name, value] of Object.entries(options.headers ?? {})) wanted.set(name.toLowerCase(), value);
    const headers: Record<string, string> = {};
    for (const [name, value] of wanted) if (value !== undefined) headers[name] = value;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers,
        setHost: false,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as unknown });
        });
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close before a big upload ends: the answer still counts.
    req.on('error', reject);
    if (options.body !== undefined) {
      if (options.chunked === true) {
        const data = Buffer.from(options.body);
        const step = 64 * 1024;
        let offset = 0;
        const pump = (): void => {
          while (offset < data.length) {
            const ok = req.write(data.subarray(offset, offset + step));
            offset += step;
            if (!ok) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        req.on('error', () => undefined);
        pump();
        return;
      }
      req.end(options.body);
      return;
    }
    req.end();
  });
