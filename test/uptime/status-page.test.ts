// The status page in a real headless Chromium: each environment's state (up, down, maintenance), a 90-day bar and
// the open windows; text from elsewhere shown as text, never markup; off unless enabled; the token enforced.
import { mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uptimeJob } from '../../jobs/uptime.js';
import { runJob } from '../../src/scheduler.js';
import { startWindow } from '../../src/uptime/maintenance.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeApp, healthyRoutes, startFakeApp } from '../support/fake-app.js';
import { failingRoutes } from './helpers.js';

const SCREENSHOT_DIR = 'test-results';

describe('the status page', () => {
  let up: FakeApp;
  let down: FakeApp;
  let bot: Bot;
  let browser: Browser;
  let now = new Date('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    up = await startFakeApp(healthyRoutes());
    down = await startFakeApp({ ...healthyRoutes(), '/readyz': failingRoutes });
    bot = await startBot({
      now: () => now,
      env: {
        ENVIRONMENTS: 'staging,qa,demo',
        STAGING_BASE_URL: up.url,
        QA_BASE_URL: down.url,
        DEMO_BASE_URL: down.url,
        STATUS_PAGE: 'true',
        STATUS_PAGE_TOKEN: 'status-token-1234',
      },
    });
    await startWindow(bot.db, {
      env: 'demo',
      ms: 3_600_000,
      reason: '<script>alert(1)</script> upgrade',
      by: 'U_OPS',
      now,
    });
    for (let i = 0; i < 3; i++) {
      now = new Date(now.getTime() + 5 * 60_000);
      await runJob(uptimeJob, bot.deps);
    }
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--headless'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await Promise.all([up?.stop(), down?.stop()]);
  });

  it('asks for the token, as ?token= or a bearer header', async () => {
    expect((await fetch(`${bot.url}/status`)).status).toBe(401);
    expect((await fetch(`${bot.url}/status?token=wrong`)).status).toBe(401);
    const bearer = await fetch(`${bot.url}/status`, { headers: { authorization: 'Bearer status-token-1234' } });
    expect(bearer.status).toBe(200);
  });

  it('renders each environment with its state, a 90-day bar and the open window, in Chromium', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const answer = await page.goto(`${bot.url}/status?token=status-token-1234`);
    expect(answer?.status()).toBe(200);
    const states = await page.$$eval('section.env', (sections) =>
      sections.map((s) => [s.getAttribute('data-env'), s.querySelector('.state')?.textContent]),
    );
    expect(states).toEqual([
      ['staging', 'Up'],
      ['qa', 'Down'],
      ['demo', 'Maintenance'],
    ]);
    expect(await page.$$eval('section[data-env="staging"] .day', (days) => days.length)).toBe(90);
    expect(await page.getAttribute('section[data-env="staging"] .day:last-child', 'class')).toBe('day good');
    expect(await page.textContent('section[data-env="demo"] .windows')).toBe(
      'Until 2026-03-02 11:00 UTC: <script>alert(1)</script> upgrade',
    );
    expect(dialogs).toEqual([]);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOT_DIR}/status-page.png`, fullPage: true });
    await page.close();
  });
});

describe('the status page when not enabled', () => {
  it('is not there', async () => {
    const bot = await startBot({ env: { ENVIRONMENTS: 'staging' } });
    try {
      expect((await fetch(`${bot.url}/status`)).status).toBe(404);
    } finally {
      await bot.stop();
    }
  });
});
