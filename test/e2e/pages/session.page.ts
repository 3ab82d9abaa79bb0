/** Page model: the session screens (sign-in choices, the provider's pages, picker, lock screen). */
import { expect, type Page } from '@playwright/test';
import { DEMO_PASSWORD } from '../../regional-backend/directory';

/** Fills the identity provider's own sign-in page, then its consent page. */
export async function completeProviderSignIn(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
}

/** From the launch URL through SSO; ends wherever the app lands (picker or workspace). */
export async function signInWithSso(page: Page, launchUrl: string, login: string): Promise<void> {
  await page.goto(launchUrl);
  await page.getByTestId('sign-in-button').click();
  await completeProviderSignIn(page, login);
}

/** The local API as the page itself calls it (same origin, HttpOnly cookie): status only. */
export async function apiStatus(page: Page, path: string): Promise<number> {
  return page.evaluate(async (p) => (await fetch(p, { headers: { accept: 'application/json' } })).status, path);
}

export async function expectSignedIn(page: Page, workspace: string): Promise<void> {
  await expect(page.getByTestId('workspace-name')).toHaveText(workspace);
}
