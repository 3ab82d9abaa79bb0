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
import { accessRoutes } from './modules/access/access.routes';
import { auditRoutes } from './modules/audit/audit.routes';
import { complianceRoutes } from './modules/compliance/compliance.routes';
import { decisionsRoutes } from './modules/decisions/decisions.routes';
import { DEFAULT_UNDO_WINDOW_MS } from './modules/decisions/decisions.service';
import { lineageRoutes } from './modules/lineage/lineage.routes';
import { reviewRoutes } from './modules/review/review.routes';
import { sessionRoutes } from './modules/session/session.routes';
import { syncRoutes } from './modules/sync/sync.routes';
import { openSecretStore } from './secrets/open-secret-store';
import type { SecretStore } from './secrets/secret-store';

export type { ServerOptions } from './config';

export interface RunningWorkspaceServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

export async function startWorkspaceServer(
  options: ServerOptions,
  /** A secret store to use instead of the OS keychain probe (tests that read what was stored). */
  injected: { secrets?: SecretStore } = {},
): Promise<RunningWorkspaceServer> {
  const secrets = injected.secrets ?? (await openSecretStore({ forceMemory: options.forceMemoryKeychain ?? false }));
  if (secrets.kind === 'memory') {
    console.error(
      `attest: no OS keychain (${secrets.reason ?? 'not reachable'}); the local copy will not outlive this run.`,
    );
  }
  let ownUrl = '';
  const secret = createSecret(options.secret);
  const session = new SessionManager({
    options,
    secrets,
    secret,
    // Browser mode: the identity provider sends the browser back to the app's own page.
    ...(options.rendererDir ? { appUrl: () => `${ownUrl}/` } : {}),
  });
  const router = createRouter(routes, {
    ...sessionRoutes(session),
    ...reviewRoutes(session),
    ...syncRoutes(session),
    ...lineageRoutes(session),
    ...decisionsRoutes(session, { undoWindowMs: options.undoWindowMs ?? DEFAULT_UNDO_WINDOW_MS }),
    ...accessRoutes(session),
    ...auditRoutes(session),
    ...complianceRoutes(session),
  });
  const http = createHttpServer({
    secret,
    allowedOrigins: options.allowedOrigins ?? [],
    ...(options.rendererDir ? { staticDir: options.rendererDir } : {}),
    router,
    requireSession: () => void session.requireWorkspace(),
  });
  const { port, url } = await http.listen(options.port ?? 0);
  ownUrl = url;
  // Carry on the last session (its refresh token is in the keychain) without blocking startup.
  void session.resume().catch((error: unknown) => {
    console.error(`attest: could not resume the last session (${error instanceof Error ? error.name : 'error'})`);
  });
  return {
    port,
    url,
    close: async () => {
      await session.close();
      await http.close();
    },
  };
}
