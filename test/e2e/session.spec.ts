/**
 * Sign-in and session through Chromium, the app in browser mode against the simulator's real
 * identity provider:
 * - Dana, with a workspace in the US and one in the EU (two simulator instances as two regions):
 *   the picker, the region's host pinned, switching; no token ever in the app's output or data
 *   directory; sign-out back to the sign-in screen with a rotated secret.
 * - The device flow: the app shows the code and link; approving it in another tab signs in.
 * - The idle lock: PHI leaves the screen, the local API refuses, signing in again unlocks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PHI_MARKER } from '../regional-backend/dataset';
import { DEMO_WORKSPACES, personByLogin } from '../regional-backend/directory';
import { createRegionalBackend } from '../regional-backend/server';
import { spawnApp } from '../support/spawn-app';
import { filesContaining } from '../support/scan-files';
import { expect, test } from './fixtures';
import { apiStatus, completeProviderSignIn, expectSignedIn, signInWithSso } from './pages/session.page';

const workspace = (slug: string) => {
  const found = DEMO_WORKSPACES.find((w) => w.slug === slug);
  if (!found) throw new Error(`no demo workspace ${slug}`);
  return found;
};
const riverbend = workspace('riverbend-clinic');
const lindenhof = workspace('lindenhof-praxis');

/** Refresh tokens the provider has issued (its store file): what must never show up elsewhere. */
function providerRefreshTokens(backendDataDir: string): string[] {
  const parsed: unknown = JSON.parse(fs.readFileSync(path.join(backendDataDir, 'identity', 'oidc-store.json'), 'utf8'));
  const store = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const tokens = store.RefreshToken;
  return typeof tokens === 'object' && tokens !== null ? Object.keys(tokens) : [];
}

test('Dana picks a workspace in each region; tokens never leave the keychain; sign-out', async ({
  page,
  backend,
  dataDir,
}) => {
  const euDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-e2e-eu-'));
  const eu = await createRegionalBackend({
    region: 'eu-central-1',
    scale: 'small',
    seed: 7,
    dataDir: euDir,
    issuer: backend.issuer,
  });
  const app = await spawnApp({
    backendUrl: backend.url,
    issuer: backend.issuer,
    dataDir,
    demo: true,
    args: ['--region-api', `us-east-1=${backend.url}`, '--region-api', `eu-central-1=${eu.url}`],
  });
  let output = '';
  app.process.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  app.process.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await signInWithSso(page, app.launchUrl, 'dana');
    await expect(page.getByTestId('workspace-picker')).toBeVisible();
    const options = page.getByTestId('workspace-option');
    await expect(options).toHaveCount(2);
    await expect(options.nth(0)).toContainText(riverbend.name);
    await expect(options.nth(0)).toContainText('us-east-1');
    await expect(options.nth(1)).toContainText(lindenhof.name);
    await expect(options.nth(1)).toContainText('eu-central-1');

    await page.locator(`[data-workspace-id="${lindenhof.id}"]`).click();
    await expectSignedIn(page, lindenhof.name);
    // `npm test` runs a real Secret Service: the app must have used it, not the in-memory fallback.
    if (process.env.ATTEST_TEST_KEYCHAIN === '1') await expect(page.getByTestId('keychain-warning')).toHaveCount(0);
    await expect(page.getByTestId('workspace-region')).toContainText('eu-central-1');
    await expect(page.getByTestId('user-role')).toHaveText('admin');
    await expect(page.getByTestId('user-name')).toHaveText(personByLogin('dana')?.name ?? '');
    await expect.poll(() => eu.requests.count({ pathPrefix: `/v1/${lindenhof.id}/`, status: 200 })).toBeGreaterThan(0);

    await page.getByTestId('workspace-switcher').selectOption(riverbend.id);
    await expectSignedIn(page, riverbend.name);
    await expect(page.getByTestId('workspace-region')).toContainText('us-east-1');
    await expect(page.getByTestId('user-role')).toHaveText('member');
    // Each region's host heard only of its own workspace.
    expect(backend.requests.count({ pathPrefix: `/v1/${lindenhof.id}` })).toBe(0);
    expect(eu.requests.count({ pathPrefix: `/v1/${riverbend.id}` })).toBe(0);

    // The refresh tokens the provider issued appear nowhere in the app's output or data directory.
    const refreshTokens = providerRefreshTokens(backend.dataDir);
    expect(refreshTokens.length).toBeGreaterThan(0);
    for (const token of refreshTokens) {
      expect(output).not.toContain(token);
      expect(filesContaining(dataDir, token)).toEqual([]);
      expect(await page.content()).not.toContain(token);
    }

    await page.getByTestId('sign-out-button').click();
    await expect(page.getByTestId('sign-in-screen')).toBeVisible();
    // The answer re-set the cookie with the rotated secret: the page keeps working after a reload.
    await page.reload();
    await expect(page.getByTestId('sign-in-screen')).toBeVisible();
    expect(await apiStatus(page, '/api/review/summary')).toBe(401);
  } finally {
    await app.stop();
    await eu.close();
    fs.rmSync(euDir, { recursive: true, force: true });
  }
});

test('device flow: the app shows the code and link; approving it elsewhere signs in', async ({
  page,
  context,
  app,
}) => {
  await page.goto(app.launchUrl);
  await page.getByTestId('device-sign-in-button').click();
  const code = page.getByTestId('device-user-code');
  await expect(code).toBeVisible();
  const userCode = (await code.textContent()) ?? '';
  expect(userCode.length).toBeGreaterThanOrEqual(4);
  const link = page.getByTestId('device-verification-link');
  await expect(link).toHaveAttribute('href', /\/device/);

  // The person approves in another tab: enter the code, confirm, sign in, allow.
  const approver = await context.newPage();
  await approver.goto((await link.getAttribute('href')) ?? '');
  const codeInput = approver.locator('input[name="user_code"]');
  if (await codeInput.isVisible().catch(() => false)) {
    await codeInput.fill(userCode);
    await approver.getByRole('button', { name: 'Continue' }).click();
  }
  await expect(approver.getByText(userCode)).toBeVisible();
  await approver.getByRole('button', { name: 'Continue' }).click();
  await completeProviderSignIn(approver, 'reviewer');
  await expect(approver.getByText('Device connected')).toBeVisible();

  await expectSignedIn(page, riverbend.name);
  await expect(page.getByTestId('user-role')).toHaveText('member');
});

test('idle lock: PHI leaves the screen, the local API refuses, and signing in again unlocks', async ({
  page,
  backend,
  dataDir,
}) => {
  const app = await spawnApp({
    backendUrl: backend.url,
    issuer: backend.issuer,
    dataDir,
    demo: true,
    env: { ATTEST_IDLE_LOCK_SECONDS: '6' },
  });
  try {
    await signInWithSso(page, app.launchUrl, 'reviewer');
    await expectSignedIn(page, riverbend.name);
    expect(await apiStatus(page, '/api/review/summary')).toBe(200);

    // Nobody touches anything: the lock falls.
    await expect(page.getByTestId('locked-screen')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole('heading', { name: 'Locked after inactivity' })).toBeVisible();
    await expect(page.getByTestId('workspace-name')).toHaveCount(0);
    await expect(page.getByTestId('section-review')).toHaveCount(0);
    expect(await page.content()).not.toContain(PHI_MARKER);
    for (const route of ['/api/review/summary', '/api/review/items', '/api/sync/status']) {
      expect(await apiStatus(page, route), route).toBe(423);
    }

    // Sign in again: a silent attempt first; the provider wants a person, so its sign-in page shows.
    await page.getByTestId('sign-in-again-button').click();
    await completeProviderSignIn(page, 'reviewer');
    await expectSignedIn(page, riverbend.name);
    expect(await apiStatus(page, '/api/review/summary')).toBe(200);
  } finally {
    await app.stop();
  }
});
