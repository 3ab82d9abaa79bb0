/**
 * Audit and PHI access reports in the browser, against a simulator seeded with a known audit log
 * (test/support/audit-dataset.ts) and the real pull: the compliance admin browses, sorts and
 * opens events, runs the patient- and person-centred reports with their review aids, exports a
 * CSV whose file hashes to the SHA-256 shown, sees the summary and the compliance views; a
 * member and a viewer never see the section, not even through its address.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { createRegionalBackend } from '../regional-backend/server';
import { buildAuditEvents, PATIENTS, PEOPLE, RETENTION, writeAuditDataset } from '../support/audit-dataset';
import { expect, test as base } from './fixtures';
import { signInThroughIdentityProvider } from './pages/sign-in.page';

const EVENTS = buildAuditEvents();

const test = base.extend({
  // The known audit log instead of the generated workspace.
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a destructured first argument.
  backend: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-e2e-audit-'));
    const backend = await createRegionalBackend({
      region: 'us-east-1',
      dataDir: dir,
      dataset: writeAuditDataset(path.join(dir, 'audit-dataset.json')),
    });
    await use(Object.assign(backend, { dataDir: dir }));
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  },
});
test.use({ timezoneId: 'UTC' });

/** Applies the filters until the pulled audit log is all there (the pull runs after sign-in). */
const waitForPull = async (page: Page): Promise<void> => {
  await expect(async () => {
    await page.getByTestId('audit-apply-filters').click();
    await expect(page.getByTestId('audit-events-total')).toHaveText(String(EVENTS.length), { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
};

test('a compliance admin browses the audit log, runs the PHI access reports and exports them', async ({
  page,
  app,
}) => {
  await signInThroughIdentityProvider(page, app.launchUrl, 'compliance');
  await page.getByTestId('nav-audit').click();
  await expect(page.getByTestId('audit-view-events')).toBeVisible();
  await waitForPull(page);

  // Browser: sort by action, open one event, read its metadata as text.
  await page.getByTestId('audit-sort-action').click();
  await expect(page.getByTestId('audit-sort-action').locator('xpath=..')).toHaveAttribute('aria-sort', 'ascending');
  const actions = [...new Set(EVENTS.map((e) => e.action))].sort();
  await expect(page.getByTestId('audit-event-row').first().locator('td').nth(2)).toHaveText(actions[0] ?? '');
  await page.getByTestId('open-event').first().click();
  await expect(page.getByTestId('audit-detail-metadata')).toContainText('"path"');
  await page.getByTestId('audit-detail-close').click();

  // Filter: PHI only.
  await page.getByTestId('audit-filter-phiOnly').check();
  await page.getByTestId('audit-apply-filters').click();
  await expect(page.getByTestId('audit-events-total')).toHaveText(String(EVENTS.filter((e) => e.phi_accessed).length));

  // Patient-centred report for patient A, with the review aids in words.
  await page.getByTestId('audit-nav-patient').click();
  await page.getByTestId('patient-entity-input').fill(PATIENTS.A);
  await page.getByTestId('patient-run').click();
  await expect(page.getByTestId('patient-total-accesses')).toHaveText('12');
  await expect(page.getByTestId('patient-total-actors')).toHaveText('2');
  await expect(
    page.locator(`[data-testid="patient-actor"][data-actor="${PEOPLE.rita}"] [data-testid="patient-actor-count"]`),
  ).toHaveText('11');
  const oluFlags = page.getByTestId('patient-rows').locator('tr', { hasText: PEOPLE.olu }).getByTestId('report-flag');
  await expect(oluFlags).toHaveCount(2);
  await expect(oluFlags.nth(1)).toContainText('outside the working hours Mon–Fri 07:00–19:00');
  // Opening the report was itself recorded on this device.
  await expect(page.getByTestId('local-pending-event').first()).toContainText('report.view');

  // Export the report as CSV: the downloaded file hashes to the SHA-256 the screen shows.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await (await download).path();
  await expect(page.getByTestId('export-sha256')).toHaveText(/^[0-9a-f]{64}$/);
  const shown = await page.getByTestId('export-sha256').textContent();
  expect(createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(shown);
  expect(fs.readFileSync(file, 'utf8').split('\r\n')[0]).toContain('timestamp,id,service,action');

  const axe = await new AxeBuilder({ page }).include('[data-testid="section-audit"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);

  // Person-centred report: Rita's burst day, said in words.
  await page.getByTestId('audit-nav-person').click();
  await page.getByTestId('person-actor-input').fill(PEOPLE.rita);
  await page.getByTestId('person-run').click();
  await expect(page.getByTestId('person-total-patients')).toHaveText('2');
  await expect(page.getByTestId('person-burst-days')).toHaveText('1');
  await expect(page.getByTestId('person-report').getByTestId('report-flag').first()).toContainText(
    "24 PHI accesses on 2026-10-08: 12 times this person's usual daily volume",
  );
  await expect(page.getByTestId('person-daily-chart-bar')).toHaveCount(6);

  // Summary with its charts.
  await page.getByTestId('audit-nav-summary').click();
  await expect(page.getByTestId('summary-total-events')).toHaveText(String(EVENTS.length));
  await expect(page.getByTestId('summary-unique-actors')).toHaveText('4');
  await expect(page.getByTestId('summary-per-service-bar')).toHaveCount(new Set(EVENTS.map((e) => e.service)).size);

  // Compliance: the legal hold and its reason; the HIPAA report for another period.
  await page.getByTestId('audit-nav-compliance').click();
  await expect(page.getByTestId('retention-legal-hold-reason')).toContainText(RETENTION.legal_hold_reason ?? '');
  await page.getByTestId('hipaa-period').selectOption('30');
  await expect(page.getByTestId('hipaa-period-days')).toHaveText('30');
});

for (const login of ['reviewer', 'auditor'] as const) {
  test(`a ${login} never sees the audit section, not even by its address`, async ({ page, app }) => {
    await signInThroughIdentityProvider(page, app.launchUrl, login);
    await expect(page.getByTestId('nav-review')).toBeVisible();
    await expect(page.getByTestId('nav-audit')).toHaveCount(0);
    await page.goto(`${app.origin}/#/audit/patient`);
    await expect(page.getByTestId('section-review')).toBeVisible();
    await expect(page.getByTestId('section-audit')).toHaveCount(0);
  });
}
