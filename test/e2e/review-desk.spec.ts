/**
 * The reviewer's desk against the simulator (issue 5): keyboard-only work on 20 items lands as
 * exactly those verdicts on the backend; the evidence highlight lands on the judge-recorded turn
 * (the generator's oracle) and a value never said shows "no evidence found"; a batch of 50 goes
 * out as batch calls of at most 100; an undo inside the window leaves no verdict; and axe finds no
 * serious or critical violation on the queue and item views.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { reviewItemPage, type ReviewItem } from '../../shared/amigo';
import { DEMO_WORKSPACES, personByLogin } from '../regional-backend/directory';
import { expect, test } from './fixtures';
import { signInThroughIdentityProvider } from './pages/sign-in.page';

const riverbend = DEMO_WORKSPACES.find((w) => w.slug === 'riverbend-clinic');
if (!riverbend) throw new Error('The demo directory has no Riverbend workspace.');
const WS = riverbend.id;

interface StoredEvent {
  id: string;
  confidence: number;
  review_status: string;
  is_current: number | boolean;
  verdict_reason?: string | null;
  supersedes?: string | null;
}
interface ItemState {
  row: { status: string; completed_action: string | null };
  events: StoredEvent[];
  corrections: StoredEvent[];
}

const simState = async (backendUrl: string, id: string): Promise<ItemState> => {
  const response = await fetch(`${backendUrl}/__sim/state/review-items/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ItemState;
};

const openDesk = async (page: Page, launchUrl: string): Promise<void> => {
  await signInThroughIdentityProvider(page, launchUrl, 'reviewer');
  await expect(page.getByTestId('review-desk')).toBeVisible();
  await expect(page.getByTestId('item-view')).toBeVisible({ timeout: 30_000 });
};

const currentItemId = async (page: Page): Promise<string> => {
  const id = await page.getByTestId('item-view').getAttribute('data-item-id');
  if (!id) throw new Error('no item open');
  return id;
};

/** Waits until the item view shows a different item than `previous`. */
const nextItem = async (page: Page, previous: string): Promise<string> => {
  await expect(page.getByTestId('item-view')).not.toHaveAttribute('data-item-id', previous);
  await expect(page.getByTestId('item-view')).toBeVisible();
  return currentItemId(page);
};

/**
 * Moves on past items another reviewer holds: the desk offers no decision on them (the backend
 * would refuse it with 409), and says so. Answers the item the reviewer can decide.
 */
const skipHeld = async (page: Page): Promise<string> => {
  let id = await currentItemId(page);
  const held = page.getByTestId('item-held');
  for (;;) {
    await expect(page.getByTestId('decision-approve').or(held)).toBeVisible();
    if (!(await held.isVisible())) return id;
    await expect(held).toContainText('Another reviewer is working on this item');
    await page.keyboard.press('j');
    id = await nextItem(page, id);
  }
};

test('a reviewer works 20 items by keyboard alone and the simulator holds exactly those verdicts', async ({
  page,
  app,
  backend,
}) => {
  test.setTimeout(240_000);
  await openDesk(page, app.launchUrl);
  const verdicts: { id: string; kind: 'approve' | 'correct' | 'reject' }[] = [];
  let id = await currentItemId(page);
  for (let n = 0; n < 20; n++) {
    const kind = n % 5 === 3 ? 'correct' : n % 5 === 4 ? 'reject' : 'approve';
    id = await skipHeld(page);
    if (kind === 'approve') {
      await page.keyboard.press('a');
    } else if (kind === 'correct') {
      await page.keyboard.press('c');
      const first = page.getByTestId('correct-dialog').locator('input').first();
      await expect(first).toBeFocused();
      const value = await first.inputValue();
      await page.keyboard.press('End');
      // Keep the value valid for its type: a date stays a date, a number a number.
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        await page.keyboard.press('ControlOrMeta+a');
        await page.keyboard.type(value === '1999-09-09' ? '1999-09-10' : '1999-09-09');
      } else {
        await page.keyboard.type(/^\d+(\.\d+)?$/.test(value) ? '1' : ' (corrected)');
      }
      await expect(page.getByTestId('correct-diff').locator('li')).toHaveCount(1);
      await page.keyboard.press('Enter');
    } else {
      await page.keyboard.press('r');
      await expect(page.getByTestId('reject-reason-transcription_error')).toBeFocused();
      await page.keyboard.press('3');
      await page.keyboard.press('Tab');
      await expect(page.getByTestId('reject-text')).toBeFocused();
      await page.keyboard.type('caller never said it');
      await page.keyboard.press('Enter');
    }
    verdicts.push({ id, kind });
    await expect(page.getByTestId('reject-dialog')).toHaveCount(0);
    await expect(page.getByTestId('correct-dialog')).toHaveCount(0);
    if (n < 19) id = await nextItem(page, id);
  }

  // The outbox sends each decision after its undo window; the simulator then holds the verdict.
  for (const v of verdicts) {
    await expect
      .poll(async () => (await simState(backend.url, v.id)).row.completed_action, { timeout: 60_000 })
      .toBe(v.kind === 'approve' ? 'approved' : v.kind === 'correct' ? 'corrected' : 'rejected');
    const state = await simState(backend.url, v.id);
    if (v.kind === 'approve') {
      for (const e of state.events) expect(e.confidence).toBe(0.95);
    } else if (v.kind === 'reject') {
      for (const e of state.events) {
        expect(e.confidence).toBe(0);
        expect(e.verdict_reason).toBe('Value not stated: caller never said it');
      }
    } else {
      expect(state.corrections.length).toBeGreaterThan(0);
      for (const c of state.corrections) {
        expect(c.confidence).toBe(1);
        expect(state.events.map((e) => e.id)).toContain(c.supersedes);
      }
      for (const e of state.events) expect(Boolean(e.is_current)).toBe(false);
    }
  }
});

test('evidence lands on the judge-recorded turn, and a value never said shows "no evidence found"', async ({
  page,
  app,
  backend,
}) => {
  const reviewer = personByLogin('reviewer');
  if (!reviewer) throw new Error('no reviewer');
  const token = await backend.issueToken(reviewer.sub, WS);
  let item: ReviewItem | undefined;
  for (let offset = 0; item === undefined && offset < 400; offset += 20) {
    const response = await fetch(
      `${backend.url}/v1/${WS}/review-queue?status=pending&limit=20&continuation_token=${offset}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const page0 = reviewItemPage.parse(await response.json());
    item = page0.items.find((i) => {
      const fields = (i.judge_analysis?.['fields'] ?? []) as { evidence_found: boolean }[];
      return fields.some((f) => f.evidence_found) && fields.some((f) => !f.evidence_found);
    });
    if (!page0.has_more) break;
  }
  if (!item) throw new Error('The simulator has no open item with both found and missing evidence.');
  const fields = item.judge_analysis?.['fields'] as {
    event_id: string;
    field: string;
    evidence_found: boolean;
    turn_index: number | null;
  }[];
  const said = fields.find((f) => f.evidence_found);
  const unsaid = fields.find((f) => !f.evidence_found);
  if (!said || !unsaid) throw new Error('fixture');

  await openDesk(page, app.launchUrl);
  await page.getByTestId('review-search').fill(item.id);
  await expect(page.getByTestId('queue-total')).toHaveAttribute('data-total', '1');
  await expect(page.getByTestId('item-view')).toHaveAttribute('data-item-id', item.id);
  await expect(page.getByTestId('transcript-turn').first()).toBeVisible({ timeout: 30_000 });

  await page.locator(`[data-testid="field-row"][data-key="${said.event_id}:${said.field}"]`).click();
  const highlight = page.getByTestId('evidence-highlight');
  await expect(highlight).toHaveCount(1);
  await expect(highlight).toBeInViewport();
  await expect(page.locator(`[data-testid="transcript-turn"][data-turn-index="${said.turn_index}"]`)).toContainText(
    (await highlight.textContent()) ?? '',
  );
  await expect(
    page.locator(
      `[data-testid="transcript-turn"][data-turn-index="${said.turn_index}"] [data-testid="evidence-highlight"]`,
    ),
  ).toHaveCount(1);

  await page.locator(`[data-testid="field-row"][data-key="${unsaid.event_id}:${unsaid.field}"]`).click();
  await expect(page.getByTestId('evidence-none')).toContainText('No evidence found in the transcript');
  await expect(page.getByTestId('evidence-highlight')).toHaveCount(0);
  await expect(
    page.locator(
      `[data-testid="field-row"][data-key="${unsaid.event_id}:${unsaid.field}"] [data-testid="field-no-evidence"]`,
    ),
  ).toBeVisible();
});

test('batch approval of 50 picked items reaches the simulator as batch calls of at most 100 items', async ({
  page,
  app,
  backend,
}) => {
  test.setTimeout(180_000);
  await openDesk(page, app.launchUrl);
  // Items another reviewer holds would be refused (409): pick from the unassigned ones.
  await page.getByTestId('filter-assignee').selectOption('unassigned');
  await expect(page.getByTestId('queue-row').first()).toBeVisible();
  await page.getByTestId('queue-list').focus();
  const picked: string[] = [];
  let id = await currentItemId(page);
  for (let n = 0; n < 50; n++) {
    await page.keyboard.press('x');
    picked.push(id);
    if (n < 49) {
      await page.keyboard.press('j');
      id = await nextItem(page, id);
    }
  }
  await expect(page.getByTestId('batch-picked')).toHaveText('50');
  await fetch(`${backend.url}/__sim/requests`, { method: 'DELETE' });
  await page.keyboard.press('Shift+A');
  await expect(page.getByTestId('batch-count')).toHaveText('50');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('batch-confirm-dialog')).toHaveCount(0);
  await expect(page.getByTestId('undo-toast')).toContainText('Approved 50 items');
  for (const itemId of picked) {
    await expect
      .poll(async () => (await simState(backend.url, itemId)).row.completed_action, { timeout: 60_000 })
      .toBe('approved');
  }
  const log = (await (
    await fetch(`${backend.url}/__sim/requests?method=POST&path_prefix=/v1/${WS}/review-queue`)
  ).json()) as { requests: { path: string; status: number }[] };
  const batches = log.requests.filter((r) => r.path.endsWith('/batch-approve'));
  const singles = log.requests.filter((r) => r.path.endsWith('/approve') && !r.path.endsWith('/batch-approve'));
  // 50 items fit one call of at most 100; none went one by one.
  expect(batches.length).toBe(Math.ceil(50 / 100));
  expect(batches.every((r) => r.status === 200)).toBe(true);
  expect(singles).toEqual([]);
});

test('an item another reviewer holds offers no decision, and a key press sends none', async ({
  page,
  app,
  backend,
}) => {
  const reviewer = personByLogin('reviewer');
  if (!reviewer) throw new Error('no reviewer');
  const token = await backend.issueToken(reviewer.sub, WS);
  let held: ReviewItem | undefined;
  for (const status of ['in_progress', 'pending']) {
    for (let offset = 0; held === undefined && offset < 400; offset += 20) {
      const response = await fetch(
        `${backend.url}/v1/${WS}/review-queue?status=${status}&limit=20&continuation_token=${offset}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      const listed = reviewItemPage.parse(await response.json());
      held = listed.items.find((i) => i.assigned_to !== null && i.assigned_to !== reviewer.sub);
      if (!listed.has_more) break;
    }
  }
  if (!held) throw new Error('The simulator has no open item claimed by another reviewer.');

  await openDesk(page, app.launchUrl);
  await page.getByTestId('review-search').fill(held.id);
  await expect(page.getByTestId('item-view')).toHaveAttribute('data-item-id', held.id);
  await expect(page.getByTestId('item-held')).toBeVisible();
  await expect(page.getByTestId('decision-approve')).toHaveCount(0);
  const row = page.locator(`[data-testid="queue-row"][data-item-id="${held.id}"]`);
  await expect(row.getByTestId('queue-row-held')).toBeVisible();
  await expect(row.getByTestId('queue-row-pick')).toBeDisabled();
  await page.getByTestId('queue-list').focus();
  await fetch(`${backend.url}/__sim/requests`, { method: 'DELETE' });
  for (const key of ['a', 'c', 'r', 'x']) await page.keyboard.press(key);
  // No dialog opened and nothing was decided locally: nothing can ever be sent for it.
  await expect(page.getByTestId('correct-dialog')).toHaveCount(0);
  await expect(page.getByTestId('reject-dialog')).toHaveCount(0);
  await expect(page.getByTestId('item-local-state')).toHaveCount(0);
  await expect(page.getByTestId('undo-button')).toHaveCount(0);
  // Nor can it be picked for a batch.
  await expect(page.getByTestId('batch-bar')).toHaveCount(0);
});

test('undo inside the window leaves no verdict on the simulator', async ({ page, app, backend }) => {
  test.setTimeout(120_000);
  await openDesk(page, app.launchUrl);
  const id = await skipHeld(page);
  await page.keyboard.press('a');
  await expect(page.getByTestId('undo-button')).toBeVisible();
  await page.keyboard.press('u');
  await expect(page.getByTestId('undo-message')).toContainText('withdrawn');
  await expect(page.getByTestId('item-view')).toHaveAttribute('data-item-id', id);
  // Decide the next item and wait until it reaches the simulator: the push has then run past the
  // undone decision's window, which must not have been sent.
  await page.keyboard.press('j');
  await nextItem(page, id);
  const other = await skipHeld(page);
  await page.keyboard.press('a');
  await expect
    .poll(async () => (await simState(backend.url, other)).row.completed_action, { timeout: 60_000 })
    .toBe('approved');
  const state = await simState(backend.url, id);
  expect(state.row.completed_action).toBeNull();
  expect(state.events.every((e) => e.review_status !== 'human_approved')).toBe(true);
});

test('axe finds no serious or critical violation on the queue and item views', async ({ page, app }) => {
  await openDesk(page, app.launchUrl);
  await expect(page.getByTestId('queue-row').first()).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
  const sheet = await new AxeBuilder({ page }).analyze();
  expect(sheet.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual(
    [],
  );
});
