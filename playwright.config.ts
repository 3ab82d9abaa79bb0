import { defineConfig } from '@playwright/test';

/**
 * E2E in browser mode: the real workspace server (spawned as a user would run it) serving the
 * built renderer, against the regional backend simulator, driven in Debian's Chromium.
 * Playwright cannot download its own browsers here, so the system Chromium is passed in.
 */
export default defineConfig({
  testDir: 'test/e2e',
  // Two cores: one worker keeps the server, the simulator and Chromium from starving each other.
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  outputDir: 'test-results/playwright',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.ATTEST_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
});
