/**
 * Lineage, offline (issue 6). The simulator holds one patient with a known history
 * (test/support/lineage-history.ts: values superseded, a correction, a rejection, an approval, a
 * merge, a failed sink); an auditor signs in, the app pulls it for real, and the entity page must
 * show exactly that history and the expected values at three chosen instants. Then the simulator
 * is stopped, the page reloaded, and the same checks pass from the local copy alone. Viewing,
 * exporting and printing each record an access event.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page, Request } from '@playwright/test';
import { createRegionalBackend } from '../regional-backend/server';
import {
  applyLiveVerdicts,
  CRM_FAILURE,
  EXPECTED,
  IDS,
  INSTANTS,
  PATIENT,
  REJECT_REASON,
  SINK_NAMES,
  T,
  writeLineageDataset,
} from '../support/lineage-history';
import { expect, test as base, type E2eFixtures } from './fixtures';
import { LineagePage } from './pages/lineage.page';
import { signInThroughIdentityProvider } from './pages/sign-in.page';

const TIME_ZONE = 'Europe/Berlin';

/** The simulator loaded with the lineage dataset, after the live verdicts. */
const test = base.extend<{ backend: E2eFixtures['backend']; afterVerdicts: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a destructured first argument.
  backend: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-e2e-lineage-'));
    const backend = await createRegionalBackend({
      region: 'us-east-1',
      dataDir: path.join(dir, 'backend'),
      dataset: writeLineageDataset(dir),
    });
    await use(Object.assign(backend, { dataDir: dir }));
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  },
  afterVerdicts: async ({ backend }, use) => {
    await use(await applyLiveVerdicts(backend));
  },
});
test.use({ timezoneId: TIME_ZONE });

/** Every POST of an access event the page sends, as parsed bodies. */
const watchAccessEvents = (page: Page): Array<Record<string, unknown>> => {
  const seen: Array<Record<string, unknown>> = [];
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/access-events') {
      seen.push(request.postDataJSON() as Record<string, unknown>);
    }
  });
  return seen;
};

/** The whole known history, as the page must show it (online and offline alike). */
const checkHistory = async (page: Page, lineage: LineagePage): Promise<void> => {
  await expect(lineage.entityPage()).toHaveAttribute('data-entity-id', IDS.patient);
  await expect(page.getByTestId('lineage-entity-name')).toHaveText(PATIENT.name);
  await expect(page.getByTestId('lineage-entity-mrn')).toHaveText(PATIENT.mrn);
  await expect(page.getByTestId('lineage-as-of-time')).toBeVisible();

  // Current state: value, confidence, the event behind it.
  for (const [field, value] of Object.entries(EXPECTED.registration)) {
    await expect(lineage.currentValue(field)).toHaveText(value);
    await expect(lineage.currentConfidence(field)).toHaveText('1.00');
  }
  await expect(lineage.currentValue('pharmacy_name')).toHaveText('Cedar Row Pharmacy');
  await expect(lineage.currentValue('preferred_pharmacy')).toHaveText('Cedar Row Pharmacy');
  await expect(lineage.currentValue('medication')).toHaveText('Lisinopril');
  await expect(lineage.currentConfidence('medication')).toHaveText('0.95');
  for (const field of EXPECTED.afterVerdicts.absent) await expect(lineage.currentValue(field)).toHaveCount(0);
  await expect(page.getByTestId('projection-differs')).toHaveCount(0);

  // Timeline: both times, superseded events linked to their successors, the rejection.
  await expect(page.getByTestId('timeline-event')).toHaveCount(7);
  const said = lineage.timelineRow(IDS.e2PharmacySaid);
  await expect(said).toHaveAttribute('data-state', 'superseded');
  await expect(said.locator(`time[datetime="${T.e2}"]`)).toHaveCount(1);
  await expect(said.locator(`time[datetime="${T.e2Said}"]`)).toHaveCount(1);
  await expect(said.getByTestId('superseded-by').locator(`[data-event-id="${IDS.e3PharmacyCorrected}"]`)).toBeVisible();
  await expect(said).toContainText('Cedar Pharmacy');
  await expect(lineage.timelineRow(IDS.e3PharmacyCorrected)).toHaveAttribute('data-state', 'current');
  await expect(lineage.timelineRow(IDS.e5PreferredOak)).toHaveAttribute('data-state', 'superseded');
  await expect(lineage.timelineRow(IDS.e4AddressRejected)).toHaveAttribute('data-state', 'rejected');
  await expect(lineage.timelineRow(IDS.e7Medication).getByTestId('event-confidence')).toContainText('0.50 → 0.95');

  // Per field: supersedes chains, confidence charts with the decisions marked.
  expect(await lineage.chainIds('pharmacy_name')).toEqual([IDS.e3PharmacyCorrected, IDS.e2PharmacySaid]);
  expect(await lineage.chainIds('preferred_pharmacy')).toEqual([IDS.e6PreferredCedar, IDS.e5PreferredOak]);
  const chart = page.getByTestId('confidence-chart-medication');
  await expect(chart.locator('svg[role="img"] title').first()).toHaveText('Confidence of medication over time');
  await expect(chart.getByTestId('chart-decision')).toHaveCount(1);
  await expect(page.getByTestId('confidence-chart-address_line').getByTestId('chart-decision')).toHaveCount(1);
  const table = page.getByTestId('confidence-table-medication');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table).toContainText('0.50', { useInnerText: false });

  // Provenance and the same_as merge.
  await expect(page.getByTestId('provenance-systems')).toHaveText('hubspot, revolution');
  await expect(page.getByTestId('provenance-agents')).toHaveText('intake-voice-agent/2026.10.2');
  const merge = page.locator(`[data-testid="merge-row"][data-entity-id="${IDS.hubspotTwin}"]`);
  await expect(merge).toContainText('(HubSpot)');
  await expect(merge).toContainText('0.92');

  // Outbound systems: four deliveries, the failed one, and the correction HubSpot never received.
  await expect(page.getByTestId('sink-delivery')).toHaveCount(4);
  const failed = page.locator(`[data-testid="sink-delivery"][data-status="failed"]`);
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText(CRM_FAILURE);
  await expect(failed).toContainText(SINK_NAMES.crm);
  const flag = page.getByTestId('sink-flag');
  await expect(flag).toHaveCount(1);
  await expect(flag).toHaveAttribute('data-kind', 'correction_not_delivered');
  await expect(flag).toHaveAttribute('data-sink', IDS.sinkCrm);

  // Review history: verdicts, reasons, what the correction changed.
  const reviews = page.getByTestId('review-record');
  await expect(reviews).toHaveCount(3);
  await expect(reviews.getByTestId('review-verdict')).toHaveText(['Rejected', 'Approved', 'Corrected']);
  await expect(page.getByTestId('review-rejection-reason')).toHaveText(REJECT_REASON);
  await expect(page.getByTestId('review-diffs')).toContainText('Cedar Pharmacy → Cedar Row Pharmacy');
  await expect(page.getByTestId('review-rejected-values')).toContainText('12 Harbor Road');

  // The raw JSON the API returned, as text.
  await page.getByTestId('raw-lineage').locator('summary').click();
  await expect(page.getByTestId('raw-lineage-text')).toContainText(`"entity_id": "${IDS.patient}"`);
};

/** The three chosen instants, the bitemporal pair and a diff. */
const checkPointInTime = async (lineage: LineagePage, afterVerdicts: string): Promise<void> => {
  await lineage.replay({ at: INSTANTS.first, timeZone: TIME_ZONE });
  await expect(lineage.pitValue('preferred_pharmacy')).toHaveText(EXPECTED.atFirst.preferred_pharmacy);
  await expect(lineage.pitValue('medication')).toHaveText(EXPECTED.atFirst.medication.value);
  await expect(lineage.pitConfidence('medication')).toHaveText('0.50');
  await expect(lineage.pitValue('mrn')).toHaveText(PATIENT.mrn);
  for (const field of EXPECTED.atFirst.absent) await expect(lineage.pitRow(field)).toHaveCount(0);

  await lineage.replay({ at: INSTANTS.second, timeZone: TIME_ZONE });
  await expect(lineage.pitValue('preferred_pharmacy')).toHaveText(EXPECTED.atSecond.preferred_pharmacy);
  await expect(lineage.pitValue('pharmacy_name')).toHaveText(EXPECTED.atSecond.pharmacy_name);
  await expect(lineage.pitValue('address_line')).toHaveText(EXPECTED.atSecond.address_line);
  await expect(lineage.pitConfidence('address_line')).toHaveText('0.30');
  await expect(lineage.pitConfidence('medication')).toHaveText('0.50');

  await lineage.replay({ at: afterVerdicts, timeZone: TIME_ZONE });
  await expect(lineage.pitConfidence('medication')).toHaveText('0.95');
  for (const field of EXPECTED.afterVerdicts.absent) await expect(lineage.pitRow(field)).toHaveCount(0);

  await lineage.replay({ at: INSTANTS.bitemporal, timeZone: TIME_ZONE });
  await expect(lineage.pitValue('pharmacy_name')).toHaveText(EXPECTED.bitemporal.believed);
  await lineage.replay({ at: INSTANTS.bitemporal, timeZone: TIME_ZONE, mode: 'true' });
  await expect(lineage.pitValue('pharmacy_name')).toHaveText(EXPECTED.bitemporal.true);

  await lineage.replay({ at: INSTANTS.first, compareTo: INSTANTS.second, timeZone: TIME_ZONE });
  const diff = (field: string) => lineage.entityPage().locator(`[data-testid="pit-diff-row"][data-field="${field}"]`);
  await expect(diff('preferred_pharmacy')).toHaveAttribute('data-change', 'changed');
  await expect(diff('address_line')).toHaveAttribute('data-change', 'added');
  await expect(diff('name')).toHaveAttribute('data-change', 'unchanged');
};

test('an auditor sees exactly the known history and what was believed at three instants, online and offline', async ({
  page,
  app,
  backend,
  afterVerdicts,
}) => {
  test.setTimeout(180_000);
  const accessEvents = watchAccessEvents(page);
  const lineage = new LineagePage(page);
  await signInThroughIdentityProvider(page, app.launchUrl, 'auditor');
  await lineage.openSection();

  // Business keys: MRN, phone digits, the call that flagged the address, then the name.
  await lineage.searchUntilFound(PATIENT.mrn);
  await lineage.searchUntilFound('555 010 2030');
  await lineage.searchUntilFound(IDS.callAddress);
  const results = await lineage.searchUntilFound('quill');
  await expect(results).toHaveCount(1);
  await results.first().click();
  await expect(lineage.entityPage()).toBeVisible();
  await expect
    .poll(() => accessEvents.filter((e) => e.action === 'entity.view').map((e) => e.entityId))
    .toEqual([IDS.patient]);
  // Search results show PHI too: each list shown is recorded with the entities in it, never the query.
  const searches = accessEvents.filter((e) => e.action === 'lineage.view').map((e) => JSON.stringify(e));
  expect(searches.length).toBeGreaterThanOrEqual(4);
  expect(searches.filter((e) => !e.includes(IDS.patient) || e.toLowerCase().includes('quill'))).toEqual([]);

  await checkHistory(page, lineage);
  await checkPointInTime(lineage, afterVerdicts);

  const axe = await new AxeBuilder({ page }).include('[data-testid="section-lineage"]').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  // Export as JSON: recorded, then saved through the browser's download.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('lineage-export-json').click();
  const download = await downloading;
  const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as {
    format: string;
    lineage: { entity: { id: string }; events: unknown[] };
    rawEvents: unknown[];
  };
  expect(exported.format).toBe('attest.lineage-export/1');
  expect(exported.lineage.entity.id).toBe(IDS.patient);
  expect(exported.rawEvents).toHaveLength(7);
  expect(download.suggestedFilename()).toMatch(/^attest-lineage-[0-9a-f-]+-.+\.json$/);
  await expect(page.getByTestId('lineage-output-notice')).toContainText('recorded in the access log');

  // Print: recorded, and the printed page is the lineage alone.
  await page.getByTestId('lineage-print').click();
  const shown = () => accessEvents.filter((e) => e.action !== 'lineage.view');
  await expect.poll(() => shown().map((e) => e.action)).toEqual(['entity.view', 'export', 'print']);
  expect(
    shown()
      .slice(1)
      .map((e) => [e.resourceType, e.entityId]),
  ).toEqual([
    ['entity_lineage', IDS.patient],
    ['entity_lineage', IDS.patient],
  ]);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('nav-lineage')).toBeHidden();
  await expect(page.getByTestId('lineage-export-json')).toBeHidden();
  await expect(page.getByTestId('lineage-current-state')).toBeVisible();
  await page.emulateMedia({ media: 'screen' });

  // Offline: the backend is gone; the page reloads from the local copy and shows the same.
  await backend.close();
  await page.reload();
  await expect(lineage.entityPage()).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('lineage-as-of')).toHaveAttribute('data-online', 'false', { timeout: 30_000 });
  await expect(page.getByTestId('lineage-as-of')).toContainText('Offline: showing the local copy');
  await checkHistory(page, lineage);
  await checkPointInTime(lineage, afterVerdicts);
  await expect.poll(() => accessEvents.filter((e) => e.action === 'entity.view')).toHaveLength(2);

  // Search works offline too.
  await lineage.searchUntilFound(PATIENT.callSidAddress);
  await expect(page.getByTestId('lineage-result')).toHaveAttribute('data-entity-id', IDS.patient);
});
