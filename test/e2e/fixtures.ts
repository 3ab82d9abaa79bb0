/**
 * E2E fixtures (architecture.md §6.10): each test gets its own data directory, a fresh regional
 * backend simulator on port 0 and the workspace server spawned as `attest serve`, and waits on
 * what the page shows, never on sleeps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { createRegionalBackend } from '../regional-backend/server';
import { spawnApp, type RunningApp } from '../support/spawn-app';

/** The simulator, and the folder it keeps its (unencrypted, synthetic) state in. */
type Backend = Awaited<ReturnType<typeof createRegionalBackend>> & { dataDir: string };

export interface E2eFixtures {
  /** A fresh folder for the app's data (the PHI canary scan reads it). */
  dataDir: string;
  backend: Backend;
  app: RunningApp;
}

const rendererBuilt = path.resolve(import.meta.dirname, '..', '..', 'dist', 'renderer', 'index.html');

export const test = base.extend<E2eFixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a destructured first argument.
  dataDir: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-e2e-data-'));
    await use(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  },
  // eslint-disable-next-line no-empty-pattern -- as above.
  backend: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-e2e-backend-'));
    const backend = await createRegionalBackend({ region: 'us-east-1', scale: 'small', seed: 7, dataDir: dir });
    await use(Object.assign(backend, { dataDir: dir }));
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  },
  app: async ({ backend, dataDir }, use) => {
    if (!fs.existsSync(rendererBuilt)) throw new Error('Build the renderer first: npm run build (npm test does).');
    const app = await spawnApp({ backendUrl: backend.url, issuer: backend.issuer, dataDir, demo: true });
    await use(app);
    await app.stop();
  },
});

export { expect } from '@playwright/test';
