/**
 * The one application window. Its options are literals on purpose: nothing from configuration or
 * data is ever spread into webPreferences (GHSA-9wfr-w7mm-pc7f class; lint rule in
 * eslint.config.js), and Electronegativity can read every flag at the call site.
 */
import { BrowserWindow } from 'electron';
import { APP_ENTRY_URL } from './trusted-url';

export interface MainWindowOptions {
  /** Absolute path of dist/electron/preload.cjs. */
  preloadPath: string;
  /** In-memory session partition (no `persist:`): nothing of the UI session survives on disk (E-25). */
  partition: string;
  /** DevTools only in unpackaged development runs (E-21). */
  devTools: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  // Middle-click cannot open windows: every new window is denied by setWindowOpenHandler and every navigation by
  // will-navigate (guards.ts). There is no "Auxclick" Blink feature left to disable (electron/electron#10315).
  const window = /* eng-disable AUXCLICK_JS_CHECK */ new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Attest',
    autoHideMenuBar: true,
    webPreferences: {
      // The preload is the reviewed bridge: one CommonJS bundle exposing two functions through contextBridge,
      // never ipcRenderer itself (test/unit/electron/preload.test.ts pins its exact shape).
      preload: options.preloadPath /* eng-disable PRELOAD_JS_CHECK */,
      partition: options.partition,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: options.devTools,
    },
  });
  window.once('ready-to-show', () => window.show());
  return window;
}

export function loadApp(window: BrowserWindow): Promise<void> {
  return window.loadURL(APP_ENTRY_URL);
}
