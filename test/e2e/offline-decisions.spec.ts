/**
 * Offline decisions (issue 4): decisions made at the desk while the regional backend is down are
 * kept, shown as waiting, and reach it in the order they were made once it is back; a decision
 * the backend refuses is quarantined with the backend's reason, shown in the sync panel, and can
 * be withdrawn there (on the record).
 */
import type { Page } from '@playwright/test';
import { DEMO_WORKSPACES, personByLogin } from '../regional-backend/directory';
import { createRegionalBackend, type RegionalBackend } from '../regional-backend/server';
import { expect, test } from './fixtures';
import { signInThroughIdentityProvider } from './pages/sign-in.page';

const WS = DEMO_WORKSPACES.find((w) => w.slug === 'riverbend-clinic')?.id ?? '';

const currentItemId = async (page: Page): Promise<string> => {
  const id = await page.getByTestId('item-view').getAttribute('data-item-id');
  if (!id) throw new Error('no item open');
  return id;
};

const decideAndMoveOn = async (page: Page, key: 'a' | 'r'): Promise<string> => {
  const id = await currentItemId(page);
  await expect(page.getByTestId('decision-approve')).toBeVisible();
  if (key === 'a') {
    await page.keyboard.press('a');
  } else {
    await page.keyboard.press('r');
    await expect(page.getByTestId('reject-reason-transcription_error')).toBeFocused();
    await page.keyboard.press('3');
    await page.keyboard.press('Tab');
    await page.keyboard.type('caller never said it');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('reject-dialog')).toHaveCount(0);
  }
  await expect(page.getByTestId('item-view')).not.toHaveAttribute('data-item-id', id);
  return id;
};

const completedAction = (backend: RegionalBackend, id: string): string | null =>
  backend.store.review.get(WS, id)?.completed_action ?? null;

test('decisions made while the backend is down reach it in order; a refused one is quarantined and shown', async ({
  page,
  app,
  backend,
}) => {
  test.setTimeout(240_000);
  await signInThroughIdentityProvider(page, app.launchUrl, 'reviewer');
  await expect(page.getByTestId('item-view')).toBeVisible({ timeout: 30_000 });
  // Items another reviewer holds would be refused: work the unassigned ones.
  await page.getByTestId('filter-assignee').selectOption('unassigned');
  await expect(page.getByTestId('queue-row').first()).toBeVisible();
  await page.getByTestId('queue-list').focus();

  // The backend goes down (its data and port are kept for the restart).
  const port = Number(new URL(backend.url).port);
  await backend.close();
  let restarted: RegionalBackend | null = null;
  try {
    const decided = [
      await decideAndMoveOn(page, 'a'),
      await decideAndMoveOn(page, 'r'),
      await decideAndMoveOn(page, 'a'),
    ];

    // Kept locally and shown as waiting; after the undo window the push tries and says why it waits.
    // (The desk also claims the item it opens; those claims wait beside the decisions.)
    const waiting = page.getByTestId('outbox-waiting-entry');
    for (const id of decided) {
      await expect(waiting.filter({ hasText: id }).filter({ hasText: /Approve|Reject/ })).toHaveCount(1, {
        timeout: 30_000,
      });
    }
    await expect(page.getByTestId('outbox-waiting-why')).toContainText('Could not reach the backend', {
      timeout: 45_000,
    });

    restarted = await createRegionalBackend({
      region: 'us-east-1',
      scale: 'small',
      seed: 7,
      dataDir: backend.dataDir,
      port,
    });
    const live = restarted;
    for (const [i, id] of decided.entries()) {
      await expect.poll(() => completedAction(live, id), { timeout: 60_000 }).toBe(i === 1 ? 'rejected' : 'approved');
    }
    expect(live.store.review.get(WS, decided[1] ?? '')?.verdict_reason).toBe('Value not stated: caller never said it');
    const order = live.requests
      .entries({ method: 'POST' })
      .filter((r) => /\/review-queue\/[^/]+\/(approve|reject)$/.test(r.path) && r.status === 200)
      .map((r) => r.path.split('/').at(-2));
    expect(order).toEqual(decided);
    for (const id of decided) await expect(waiting.filter({ hasText: id })).toHaveCount(0, { timeout: 30_000 });

    // Refused: another reviewer claims the next item in the queue just before this reviewer gets to
    // it; the local copy does not know yet, so the desk lets them approve it.
    const rows = page.getByTestId('queue-row');
    const ids = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-item-id') ?? ''));
    const selected = await page.locator('[data-testid="queue-row"][data-selected="true"]').getAttribute('data-item-id');
    const target = ids[ids.indexOf(selected ?? '') + 1] ?? '';
    expect(target).not.toBe('');
    const other = personByLogin('dana');
    if (!other) throw new Error('no second reviewer in the directory');
    const token = await live.issueToken(other.sub, WS);
    const claim = await fetch(`${live.url}/v1/${WS}/review-queue/${target}/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(claim.status).toBe(200);
    await page.keyboard.press('j');
    await expect(page.getByTestId('item-view')).toHaveAttribute('data-item-id', target);
    await decideAndMoveOn(page, 'a');

    // (A claim the desk sent on opening the item is refused too; the decision is what matters here.)
    const refused = page.getByTestId('outbox-entry').filter({ hasText: target }).filter({ hasText: 'Approve' });
    await expect(refused).toHaveAttribute('data-state', 'quarantined', { timeout: 60_000 });
    await expect(refused.getByTestId('outbox-entry-reason')).toContainText(
      '409: Review item is claimed by another reviewer',
    );
    await expect(page.getByTestId('outbox-quarantined')).not.toHaveAttribute('data-count', '0', { timeout: 30_000 });
    expect(completedAction(live, target)).toBeNull();

    await refused.getByTestId('outbox-withdraw').click();
    await expect(page.getByTestId('outbox-notice')).toContainText('withdrawn');
    await expect(refused).toHaveCount(0);
    expect(completedAction(live, target)).toBeNull();
  } finally {
    await restarted?.close();
  }
});
