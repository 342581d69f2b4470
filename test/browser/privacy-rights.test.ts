// browser: the page for every right and the status page of another right in headless Chromium, at
// phone width: every form labelled and readable, a withdrawal submitted from the page, confirmed by
// the emailed link, and shown done. Screenshots go to test-output/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type BrowserContext } from 'playwright-core';
import { eventually, START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';
import { linkIn, mailTo } from '../support/mailbox.js';

const OUTPUT = path.resolve(import.meta.dirname, '../../test-output');
const PHONE = { width: 375, height: 740 };

let service: RunningService;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  service = await startRunner({});
  profile = mkdtempSync(path.join(tmpdir(), 'rights-browser-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: PHONE,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}, START_TIMEOUT_MS);

afterAll(async () => {
  await context?.close();
  await service?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const UNLABELLED = `[...document.querySelectorAll('input, select, textarea')].filter((field) => field.labels.length === 0).length`;

describe('the page for every right in Chromium', () => {
  it('offers every right, and a withdrawal sent from it ends on a status page in plain words', async () => {
    const page = await context.newPage();
    await page.goto(`${service.baseUrl}/privacy`);
    expect(await page.textContent('h1')).toBe('Your data and your rights');
    expect(await page.locator('h2').allTextContents()).toEqual(
      expect.arrayContaining([
        'Delete my data',
        'Get a copy of my data',
        'Correct my data',
        'Stop a use of my data',
      ]),
    );
    expect(await page.evaluate<number>(UNLABELLED)).toBe(0);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.screenshot({ path: path.join(OUTPUT, 'privacy-choice-page.png'), fullPage: true });

    const stop = page.locator('#stop');
    await stop.getByLabel('Email address or phone number you used with us').fill('ben@example.com');
    await stop.getByLabel('What should we stop?').selectOption('analytics');
    await stop.getByRole('button', { name: 'Send me a confirmation link' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('h1')).toBe('Check your messages');
    expect(await page.textContent('[role=status]')).toContain('Nothing happens until you do.');

    const mail = await eventually(async () =>
      (await mailTo(service.endpoints.ses, 'ben@example.com')).find((m) => m.subject.startsWith('Confirm')),
    );
    expect(mail.subject).toBe('Confirm your request to stop a use of your data');
    await page.goto(linkIn(mail, '/deletion-requests/verify?token=') ?? '');
    // The link opens a page that names what is confirmed; only its button confirms.
    expect(await page.textContent('h1')).toBe('Confirm your request to stop a use of your data');
    await page.getByRole('button', { name: 'Confirm: stop that use' }).click();
    await page.waitForURL(/\/deletion-status\?code=/);
    expect(page.url()).toContain('/deletion-status?code=');
    const done = await eventually(async () => {
      await page.reload();
      const text = (await page.textContent('[role=status]')) ?? '';
      return text.startsWith('Done.') ? text : undefined;
    });
    expect(done).toContain('We stopped that use of your data');
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain('Your request to stop a use of your data');
    expect(body).toContain('Records deleted1');
    expect(body).toContain('Your choice recordedYes');
    expect(body).not.toContain('ben@example.com');
    await page.screenshot({ path: path.join(OUTPUT, 'status-page-withdraw-consent.png'), fullPage: true });
    await page.close();
  });

  it('asks for a copy from the page and reads it on a phone through the emailed link', async () => {
    const page = await context.newPage();
    await page.goto(`${service.baseUrl}/delete-my-data`);
    const copy = page.locator('#copy');
    await copy.getByLabel('Email address or phone number you used with us').fill('ana@example.com');
    await copy.getByRole('button', { name: 'Send me a confirmation link' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('h1')).toBe('Check your messages');
    const confirm = await eventually(async () =>
      (await mailTo(service.endpoints.ses, 'ana@example.com')).find((m) => m.subject.startsWith('Confirm')),
    );
    await page.goto(linkIn(confirm, '/deletion-requests/verify?token=') ?? '');
    expect(await page.textContent('h1')).toBe('Confirm your request for a copy of your data');
    await page.getByRole('button', { name: 'Confirm: send me a copy' }).click();
    await page.waitForURL(/\/deletion-status\?code=/);
    const ready = await eventually(async () =>
      (await mailTo(service.endpoints.ses, 'ana@example.com')).find((m) =>
        m.subject.startsWith('Your copy of your data is ready'),
      ),
    );
    await page.goto(linkIn(ready, '/privacy-export?code=') ?? '');
    expect(await page.textContent('h1')).toBe('A copy of your data');
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain('Where it came from');
    expect(body).toContain('Facebook or Instagram (Meta)');
    expect(body).not.toContain('ben@example.com');
    await page.locator('details').first().evaluate('(element) => { element.open = true; }');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.screenshot({ path: path.join(OUTPUT, 'privacy-export-page.png'), fullPage: true });
    await page.close();
  });
});
