/**
 * The workspace server's entry: open the secret store, build the routes, listen on 127.0.0.1.
 * The same function runs in the desktop app (inside an Electron utility process, see
 * utility-entry.ts), in browser mode (electron/cli.ts) and in tests. It never imports electron.
 */
import { routes } from '../../shared/contract';
import { SessionManager } from './auth/session-manager';
import type { ServerOptions } from './config';
import { createHttpServer } from './http/http-server';
import { createRouter } from './http/router';
import { createSecret } from './http/secret';
import { reviewRoutes } from './modules/review/review.routes';
import { sessionRoutes } from './modules/session/session.routes';
import { syncRoutes } from './modules/sync/sync.routes';
import { openSecretStore } from './secrets/open-secret-store';

export type { ServerOptions } from './config';

export interface RunningWorkspaceServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

export async function startWorkspaceServer(options: ServerOptions): Promise<RunningWorkspaceServer> {
  const secrets = await openSecretStore({ forceMemory: options.forceMemoryKeychain ?? false });
  if (secrets.kind === 'memory') {
    console.error(
      `attest: no OS keychain (${secrets.reason ?? 'not reachable'}); the local copy will not outlive this run.`,
    );
  }
  let ownUrl = '';
  const session = new SessionManager({ options, secrets, appUrl: () => `${ownUrl}/` });
  const router = createRouter(routes, {
    ...sessionRoutes(session),
    ...reviewRoutes(session),
    ...syncRoutes(session),
  });
  const http = createHttpServer({
    secret: createSecret(options.secret),
    allowedOrigins: options.allowedOrigins ?? [],
    ...(options.rendererDir ? { staticDir: options.rendererDir } : {}),
    router,
    requireSession: () => void session.requireWorkspace(),
  });
  const { port, url } = await http.listen(options.port ?? 0);
  ownUrl = url;
  return {
    port,
    url,
    close: async () => {
      await session.close();
      await http.close();
    },
  };
}
