/**
 * The thin path through everything: sign in as the demo reviewer through the identity
 * provider's own login page, pull the review queue into the encrypted local store, and show the
 * workspace, its region and the backend's pending count. Then check that no PHI reached the
 * app's data directory in clear.
 */
import { reviewItemPage, reviewStats } from '../../shared/amigo';
import { PHI_MARKER } from '../regional-backend/dataset';
import { DEMO_WORKSPACES, personByLogin } from '../regional-backend/directory';
import { filesContaining } from '../support/scan-files';
import { expect, test } from './fixtures';
import { signInThroughIdentityProvider } from './pages/sign-in.page';

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The demo directory has no ${what}.`);
  return value;
}
const riverbend = required(
  DEMO_WORKSPACES.find((w) => w.slug === 'riverbend-clinic'),
  'Riverbend workspace',
);

test('a reviewer signs in and sees the workspace, its region and the pending count', async ({
  page,
  app,
  backend,
  dataDir,
}) => {
  // What the simulator holds, asked through its own API as the reviewer.
  const reviewer = required(personByLogin('reviewer'), 'reviewer');
  const token = await backend.issueToken(reviewer.sub, riverbend.id);
  const ask = async (path: string): Promise<unknown> => {
    const response = await fetch(`${backend.url}/v1/${riverbend.id}/${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return response.json();
  };
  const totalWithStatus = async (status: string): Promise<number> =>
    reviewItemPage.parse(await ask(`review-queue?status=${status}&limit=1`)).total ?? -1;
  const pending = await totalWithStatus('pending');
  const inProgress = await totalWithStatus('in_progress');
  // The API's stats count claimed (in-progress) items as still pending a decision.
  const stats = reviewStats.parse(await ask('review-queue/stats'));
  expect(pending).toBeGreaterThan(0);
  expect(pending + inProgress).toBe(stats.pending);

  await signInThroughIdentityProvider(page, app.launchUrl, 'reviewer');

  // The launch token was swapped for a cookie and the URL cleaned.
  expect(page.url()).not.toContain('token=');
  await expect(page.getByTestId('workspace-name')).toHaveText(riverbend.name);
  await expect(page.getByTestId('workspace-region')).toContainText('us-east-1');
  await expect(page.getByTestId('user-name')).toHaveText(reviewer.name);
  await expect(page.getByTestId('user-role')).toHaveText('member');
  await expect(page.getByTestId('demo-badge')).toHaveText('Demo backend: synthetic data');
  await expect(page.getByTestId('pending-count')).toHaveText(String(pending));
  // The desk opens on the open queue: pending and in progress.
  await expect(page.getByTestId('queue-total')).toHaveAttribute('data-total', String(pending + inProgress));

  // PHI canary: the simulator's synthetic PHI carries a marker; the app pulled it (the pending
  // items include patients' names) yet nothing under its data directory shows it in clear.
  await app.stop();
  expect(filesContaining(backend.dataDir, PHI_MARKER).length).toBeGreaterThan(0);
  expect(filesContaining(dataDir, PHI_MARKER)).toEqual([]);
});
