/**
 * Desktop configuration: where data lives, which backend and identity provider to use, and which
 * extra hosts may be opened in the system browser. Pure (inputs in, result out) so it is tested
 * without Electron; index.ts supplies the environment, the platform and the settings file text.
 *
 * Sources, highest first: environment (`ATTEST_BACKEND_URL`, `ATTEST_ISSUER`, `ATTEST_CLIENT_ID`), then
 * `<userData>/settings.json` (which alone holds `regionApiOrigins`, a custom deployment's hosts). The packaged app never starts a demo backend: with nothing
 * configured it tells the user how to configure one (`npm start` starts the simulator in dev).
 */
import path from 'node:path';
import { z } from 'zod';
import { REGIONS, type Region } from '../../shared/amigo/regions';
import { buildExternalAllowlist, isLoopbackHttpUrl } from './trusted-url';

export const SETTINGS_FILE_NAME = 'settings.json';

const settingsFile = z.strictObject({
  backendUrl: z.string().optional(),
  issuer: z.string().optional(),
  clientId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/)
    .optional(),
  /** Extra hosts the renderer may open in the system browser (help pages, the admin console). */
  externalHosts: z.array(z.string()).max(50).optional(),
  /** HIPAA automatic logoff: lock after this many idle seconds (default 15 minutes). */
  idleLockSeconds: z.number().int().min(10).max(86_400).optional(),
  /**
   * A custom deployment's API host per region (region code → https origin). A region left out
   * uses the configured backend, or else its Amigo host.
   */
  regionApiOrigins: z.record(z.string(), z.string()).optional(),
});

export interface DesktopConfig {
  dataDir: string;
  backendUrl?: string;
  issuer?: string;
  clientId?: string;
  externalHosts: string[];
  idleLockSeconds?: number;
  regionApiOrigins?: Partial<Record<Region, string>>;
  /** Started by the dev launcher against the regional-backend simulator; never in a packaged build. */
  demo: boolean;
  settingsPath: string;
}

export type ConfigResult =
  | { ok: true; config: DesktopConfig; backendConfigured: boolean }
  | { ok: false; problems: string[]; settingsPath: string };

export interface ConfigInput {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  isPackaged: boolean;
  /** app.getPath('userData') after {@link userDataDirectory} has been applied. */
  userDataDir: string;
  /** Contents of the settings file, or null when it does not exist. */
  settingsText: string | null;
}

/**
 * Where Electron's userData (and so our data) should live. On Windows the default is under the
 * *Roaming* %APPDATA%, which roaming profiles and folder redirection can put on a network share;
 * security-bar D-02 wants the database on a local disk, so prefer %LOCALAPPDATA%. Unpackaged runs
 * (dev, E2E) may point it elsewhere with ATTEST_USER_DATA_DIR so each test gets its own directory.
 */
export function userDataDirectory(input: {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  isPackaged: boolean;
  defaultDir: string;
  appName: string;
}): string {
  const override = input.env.ATTEST_USER_DATA_DIR;
  if (!input.isPackaged && override && path.isAbsolute(override)) return override;
  const localAppData = input.env.LOCALAPPDATA;
  if (input.platform === 'win32' && localAppData && path.win32.isAbsolute(localAppData)) {
    return path.win32.join(localAppData, input.appName);
  }
  return input.defaultDir;
}

/** UNC (`\\server\share`) and `//server/share` paths are network locations, refused by D-02. */
export function isNetworkPath(dir: string): boolean {
  return /^(?:\\\\|\/\/)[^\\/]/.test(dir);
}

function checkEndpoint(
  name: string,
  value: string | undefined,
  allowLoopbackHttp: boolean,
  problems: string[],
): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    problems.push(`${name} is not a valid URL.`);
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(`${name} must not contain credentials.`);
    return undefined;
  }
  if (url.protocol === 'https:' || (allowLoopbackHttp && isLoopbackHttpUrl(url))) {
    // Keep the path: an issuer identifier may have one (`https://idp.example/realms/x`).
    return url.href.replace(/\/$/, '');
  }
  problems.push(
    `${name} must be an https URL${allowLoopbackHttp ? ' (or http://127.0.0.1:<port> for a local demo)' : ''}.`,
  );
  return undefined;
}

export function loadDesktopConfig(input: ConfigInput): ConfigResult {
  const settingsPath = path.join(input.userDataDir, SETTINGS_FILE_NAME);
  const problems: string[] = [];

  let settings: z.infer<typeof settingsFile> = {};
  if (input.settingsText !== null) {
    try {
      const parsed = settingsFile.safeParse(JSON.parse(input.settingsText));
      if (parsed.success) settings = parsed.data;
      else
        problems.push(
          `${SETTINGS_FILE_NAME} has unexpected content: ${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}.`,
        );
    } catch {
      problems.push(`${SETTINGS_FILE_NAME} is not valid JSON.`);
    }
  }

  // Plain-http loopback endpoints are for the dev launcher's simulator only, never a shipped build.
  const allowLoopbackHttp = !input.isPackaged;
  const backendUrl = checkEndpoint(
    'ATTEST_BACKEND_URL / backendUrl',
    input.env.ATTEST_BACKEND_URL ?? settings.backendUrl,
    allowLoopbackHttp,
    problems,
  );
  const issuer = checkEndpoint(
    'ATTEST_ISSUER / issuer',
    input.env.ATTEST_ISSUER ?? settings.issuer,
    allowLoopbackHttp,
    problems,
  );

  const clientId = input.env.ATTEST_CLIENT_ID ?? settings.clientId;
  if (clientId !== undefined && !/^[\x21-\x7e]{1,200}$/.test(clientId))
    problems.push('ATTEST_CLIENT_ID / clientId must be 1–200 printable ASCII characters.');

  const idleText = input.env.ATTEST_IDLE_LOCK_SECONDS;
  const idleLockSeconds = idleText !== undefined ? Number(idleText) : settings.idleLockSeconds;
  if (
    idleLockSeconds !== undefined &&
    !(Number.isInteger(idleLockSeconds) && idleLockSeconds >= 10 && idleLockSeconds <= 86_400)
  )
    problems.push('ATTEST_IDLE_LOCK_SECONDS / idleLockSeconds must be a whole number of seconds from 10 to 86400.');

  const regionApiOrigins: Partial<Record<Region, string>> = {};
  for (const [code, origin] of Object.entries(settings.regionApiOrigins ?? {})) {
    const known = REGIONS.find((r) => r === code);
    if (known === undefined) {
      problems.push(`regionApiOrigins: "${code}" is not a region (${REGIONS.join(', ')}).`);
      continue;
    }
    const checked = checkEndpoint(`regionApiOrigins.${known}`, origin, allowLoopbackHttp, problems);
    if (checked !== undefined) regionApiOrigins[known] = checked;
  }

  const dataDir = path.join(input.userDataDir, 'data');
  if (isNetworkPath(dataDir))
    problems.push('The data directory is on a network share; Attest keeps its database on a local disk only.');

  try {
    buildExternalAllowlist({ httpsHosts: settings.externalHosts ?? [], identityProvider: issuer ?? null });
  } catch (error) {
    problems.push(`externalHosts: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (problems.length > 0) return { ok: false, problems, settingsPath };

  const config: DesktopConfig = {
    dataDir,
    externalHosts: settings.externalHosts ?? [],
    demo: !input.isPackaged && input.env.ATTEST_DEMO === '1',
    settingsPath,
  };
  if (backendUrl !== undefined) config.backendUrl = backendUrl;
  if (issuer !== undefined) config.issuer = issuer;
  if (clientId !== undefined) config.clientId = clientId;
  if (idleLockSeconds !== undefined) config.idleLockSeconds = idleLockSeconds;
  if (Object.keys(regionApiOrigins).length > 0) config.regionApiOrigins = regionApiOrigins;
  return { ok: true, config, backendConfigured: backendUrl !== undefined && issuer !== undefined };
}
