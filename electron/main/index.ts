/**
 * Electron main: life cycle, the one window, the app:// protocol, security guards, and the
 * workspace server's supervisor. Thin on purpose (architecture.md §6.3): decisions live in the
 * pure modules next to this file (trusted-url, security, config, server-host, ...), which are unit
 * tested; this file only wires them to Electron.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Menu, app, dialog, ipcMain, protocol, session, shell, type BrowserWindow } from 'electron';
import { createAppProtocolHandler } from './app-protocol';
import { loadDesktopConfig, SETTINGS_FILE_NAME, userDataDirectory, type DesktopConfig } from './config';
import { applySessionGuards, applyWebContentsGuards } from './guards';
import { registerIpcHandlers } from './ipc';
import { menuTemplate } from './menu';
import { createExternalOpener } from './open-external';
import { contentSecurityPolicy, forbiddenSwitchesPresent } from './security';
import { createServerHost, type ServerHost } from './server-host';
import { APP_ORIGIN, APP_SCHEME, buildExternalAllowlist, type ExternalUrlAllowlist } from './trusted-url';
import { utilityProcessForker } from './utility-process';
import { createMainWindow, loadApp } from './window';

const APP_ID = 'ai.amigo.attest';
const APP_NAME = 'Attest';
/** In-memory session (no `persist:` prefix): cookies, cache and storage of the UI never hit the disk (E-25). */
const UI_PARTITION = 'attest-ui';

// ---- Before `ready` -------------------------------------------------------------------------

// E-04: no renderer may opt out of the sandbox, whatever its webPreferences say.
app.enableSandbox();

// E-18: the UI origin. Standard + secure gives it a real origin and a secure context; fetch
// support lets the renderer load its own modules. No bypassCSP, no service workers, no CORS grant.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

// D-02: keep userData (and so the database) off the roaming profile on Windows. Must precede the
// single-instance lock, which lives in userData.
app.setPath(
  'userData',
  userDataDirectory({
    env: process.env,
    platform: process.platform,
    isPackaged: app.isPackaged,
    defaultDir: app.getPath('userData'),
    appName: APP_NAME,
  }),
);
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

// E-21: a packaged build refuses Chromium debugging/policy switches that no fuse can turn off.
const forbiddenSwitches = app.isPackaged ? forbiddenSwitchesPresent((name) => app.commandLine.hasSwitch(name)) : [];
if (forbiddenSwitches.length > 0) {
  console.error(`Attest refuses to start with: ${forbiddenSwitches.map((name) => `--${name}`).join(', ')}`);
  app.exit(1);
} else if (!app.requestSingleInstanceLock()) {
  // Another Attest owns this profile (and its database); it gets focused via 'second-instance'.
  app.quit();
} else {
  run();
}

function run(): void {
  let mainWindow: BrowserWindow | null = null;
  let appLoaded = false;
  let host: ServerHost | null = null;
  let serverOrigin: string | null = null;
  let allowlist: ExternalUrlAllowlist = buildExternalAllowlist({});

  const openAllowlisted = createExternalOpener({
    allowlist: () => allowlist,
    // The only shell.openExternal in the app: createExternalOpener hands it allowlisted, normalized
    // https (or identity provider) URLs only (trusted-url.ts, E-15).
    open: (href) => shell.openExternal(href, { activate: true }) /* eng-disable OPEN_EXTERNAL_JS_CHECK */,
  });

  app.on('second-instance', () => {
    if (mainWindow === null || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Every webContents, including any we did not expect, gets the same guards (E-11..E-14).
  app.on('web-contents-created', (_event, contents) => applyWebContentsGuards(contents, { openAllowlisted }));

  // A compliance tool does not linger in the dock with a live server: closing the window quits.
  app.on('window-all-closed', () => app.quit());

  // L-10: the server never outlives the app. Hold the quit until it has shut down cleanly.
  app.on('will-quit', (event) => {
    if (host === null || host.status === 'stopped') return;
    event.preventDefault();
    void host.stop().finally(() => app.quit());
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox('Attest could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });

  async function start(): Promise<void> {
    const loaded = loadDesktopConfig({
      env: process.env,
      platform: process.platform,
      isPackaged: app.isPackaged,
      userDataDir: app.getPath('userData'),
      settingsText: readSettings(path.join(app.getPath('userData'), SETTINGS_FILE_NAME)),
    });
    if (!loaded.ok) {
      dialog.showErrorBox(
        'Attest is not configured correctly',
        `${loaded.problems.join('\n')}\n\nSettings file: ${loaded.settingsPath}`,
      );
      app.exit(1);
      return;
    }
    const config = loaded.config;
    allowlist = buildExternalAllowlist({ httpsHosts: config.externalHosts, identityProvider: config.issuer ?? null });

    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, app.isPackaged)));

    const uiSession = session.fromPartition(UI_PARTITION);
    applySessionGuards(uiSession);
    applySessionGuards(session.defaultSession);

    const appRoot = app.getAppPath();
    uiSession.protocol.handle(
      APP_SCHEME,
      createAppProtocolHandler({
        rootDir: path.join(appRoot, 'dist', 'renderer'),
        contentSecurityPolicy: () => contentSecurityPolicy(serverOrigin),
      }),
    );

    if (!loaded.backendConfigured && !(await continueWithoutBackend(config))) {
      app.quit();
      return;
    }

    host = createServerHost({
      fork: utilityProcessForker(path.join(appRoot, 'dist', 'electron', 'server.cjs')),
      config: {
        dataDir: config.dataDir,
        allowedOrigins: [APP_ORIGIN],
        ...(config.backendUrl === undefined ? {} : { backendUrl: config.backendUrl }),
        ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
        ...(config.clientId === undefined ? {} : { clientId: config.clientId }),
        ...(config.demo ? { demo: true } : {}),
        ...(config.idleLockSeconds === undefined ? {} : { idleLockSeconds: config.idleLockSeconds }),
        ...(config.regionApiOrigins === undefined ? {} : { regionApiOrigins: config.regionApiOrigins }),
      },
    });
    const serverHost = host;

    registerIpcHandlers(ipcMain, {
      serverConnection: () => serverHost.connection(),
      openAllowlisted,
      isAppWebContents: (contents) =>
        mainWindow !== null && !mainWindow.isDestroyed() && contents === mainWindow.webContents,
    });

    mainWindow = createMainWindow({
      preloadPath: path.join(appRoot, 'dist', 'electron', 'preload.cjs'),
      partition: UI_PARTITION,
      devTools: !app.isPackaged,
    });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });

    serverHost.onEvent((event) => {
      switch (event.type) {
        case 'ready': {
          serverOrigin = new URL(event.connection.baseUrl).origin;
          if (mainWindow === null || mainWindow.isDestroyed()) return;
          // First ready: load the UI. After a restart: reload, so the page gets the new port in its
          // CSP and asks the preload for the new secret.
          if (!appLoaded) {
            appLoaded = true;
            void loadApp(mainWindow).catch((error: unknown) => {
              // Typically dist/renderer missing from a dev tree: say so instead of leaving a hidden window.
              dialog.showErrorBox(
                'Attest could not load its window',
                error instanceof Error ? error.message : String(error),
              );
              app.quit();
            });
          } else if (event.restarted) {
            mainWindow.webContents.reload();
          }
          return;
        }
        case 'crashed':
          serverOrigin = null;
          return;
        case 'gave-up':
          serverOrigin = null;
          void askRetryOrQuit(serverHost);
          return;
      }
    });

    // Failures surface through the 'gave-up' event above; nothing more to do with the promise.
    serverHost.start().catch(() => undefined);
  }
}

function readSettings(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
    // Unreadable is not the same as absent: report it as invalid rather than silently ignore it.
    return '';
  }
}

async function continueWithoutBackend(config: DesktopConfig): Promise<boolean> {
  const { response } = await dialog.showMessageBox({
    type: 'warning',
    title: APP_NAME,
    message: 'No Amigo backend is configured.',
    detail:
      'Attest needs the regional backend and identity provider of your organization.\n\n' +
      'Set ATTEST_BACKEND_URL and ATTEST_ISSUER, or create\n' +
      `${config.settingsPath}\n` +
      'containing {"backendUrl": "https://…", "issuer": "https://…"}.\n\n' +
      'You can continue offline with the data already on this device.',
    buttons: ['Quit', 'Continue offline'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  return response === 1;
}

async function askRetryOrQuit(host: ServerHost): Promise<void> {
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: APP_NAME,
    message: 'The Attest workspace server stopped unexpectedly and could not be restarted.',
    detail: 'Retry, or quit and start Attest again. If this keeps happening, contact your administrator.',
    buttons: ['Retry', 'Quit'],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
  });
  if (response === 0) host.retry();
  else app.quit();
}
