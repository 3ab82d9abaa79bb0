/** Page model: the lineage section (search, entity page, point in time). */
import { expect, type Locator, type Page } from '@playwright/test';

/** A UTC instant as `datetime-local` text in `timeZone`, to the second (what a person types). */
export const localInputFor = (iso: string, timeZone: string): string =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(iso))
    .replace(' ', 'T');

export class LineagePage {
  constructor(private readonly page: Page) {}

  async openSection(): Promise<void> {
    await this.page.getByTestId('nav-lineage').click();
    await expect(this.page.getByTestId('section-lineage')).toBeVisible();
  }

  /** Searches until the local copy holds a match (the first pull may still be running). */
  async searchUntilFound(query: string, timeout = 60_000): Promise<Locator> {
    const input = this.page.getByTestId('lineage-search-input');
    await input.fill(query);
    const results = this.page.getByTestId('lineage-result');
    await expect(async () => {
      await this.page.getByTestId('lineage-search-submit').click();
      await expect(results.first()).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout });
    return results;
  }

  entityPage(): Locator {
    return this.page.getByTestId('lineage-page');
  }

  currentValue(field: string): Locator {
    return this.page.locator(`[data-testid="current-field"][data-field="${field}"] [data-testid="current-value"]`);
  }

  currentConfidence(field: string): Locator {
    return this.page.locator(`[data-testid="current-field"][data-field="${field}"] [data-testid="current-confidence"]`);
  }

  timelineRow(eventId: string): Locator {
    return this.page.locator(`[data-testid="timeline-event"][data-event-id="${eventId}"]`);
  }

  chainIds(field: string): Promise<(string | null)[]> {
    return this.page
      .getByTestId(`field-chain-${field}`)
      .getByTestId('chain-link')
      .evaluateAll((links) => links.map((l) => l.getAttribute('data-event-id')));
  }

  /** Replays at `iso` (typed in the browser's own time zone) and waits for the answer. */
  async replay(options: {
    at: string;
    timeZone: string;
    mode?: 'believed' | 'true';
    compareTo?: string;
  }): Promise<void> {
    await this.page.getByTestId(`pit-mode-${options.mode ?? 'believed'}`).check();
    await this.page.getByTestId('pit-at').fill(localInputFor(options.at, options.timeZone));
    const toggle = this.page.getByTestId('pit-compare-toggle');
    if (options.compareTo === undefined) {
      await toggle.uncheck();
    } else {
      await toggle.check();
      await this.page.getByTestId('pit-compare-at').fill(localInputFor(options.compareTo, options.timeZone));
    }
    await this.page.getByTestId('pit-submit').click();
    const result = this.page.getByTestId('pit-result');
    await expect(result).toHaveAttribute('data-at', new Date(options.at).toISOString());
    await expect(result).toHaveAttribute('data-mode', options.mode ?? 'believed');
  }

  pitValue(field: string): Locator {
    return this.page.locator(`[data-testid="pit-field"][data-field="${field}"] [data-testid="pit-value"]`);
  }

  pitConfidence(field: string): Locator {
    return this.page.locator(`[data-testid="pit-field"][data-field="${field}"] [data-testid="pit-confidence"]`);
  }

  pitRow(field: string): Locator {
    return this.page.locator(`[data-testid="pit-field"][data-field="${field}"]`);
  }
}
