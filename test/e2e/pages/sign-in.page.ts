/** Page model: signing in through the identity provider's own login and consent pages. */
import { expect, type Page } from '@playwright/test';
import { DEMO_PASSWORD } from '../../regional-backend/directory';

export async function signInThroughIdentityProvider(page: Page, launchUrl: string, login: string): Promise<void> {
  await page.goto(launchUrl);
  await page.getByTestId('sign-in-button').click();
  // The identity provider's own pages (oidc-provider interactions), on the backend's origin.
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Consent (refresh tokens need prompt=consent), on the provider's page.
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByTestId('workspace-name')).toBeVisible();
}
