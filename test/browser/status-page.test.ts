// browser: the self-service form and the status page in headless Chromium, as a person on a phone
// sees them: the form submits, the verification link leads to the status page, each state reads in
// plain words, text meets WCAG 2.1 AA contrast, every field is labelled. Screenshots go to test-output/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { eventually, START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';
import { linkIn, mailTo } from '../support/mailbox.js';

const OUTPUT = path.resolve(import.meta.dirname, '../../test-output');
const CHROMIUM = '/usr/bin/chromium';
const PHONE = { width: 375, height: 740 };

let service: RunningService;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  service = await startRunner({ RECONCILE_GRACE_SECONDS: '3600' });
  profile = mkdtempSync(path.join(tmpdir(), 'status-page-browser-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: PHONE,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, START_TIMEOUT_MS);

afterAll(async () => {
  await context?.close();
  await service?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/**
 * Runs in the page (a string: the tests are compiled without the DOM library). Lists every text
 * element whose contrast against its effective background is below 4.5:1 (WCAG 2.1 AA, normal text).
 */
const CONTRAST_FAILURES = `(() => {
  const parse = (color) => {
    const match = /rgba?\\(([^)]+)\\)/.exec(color);
    const [r = 0, g = 0, b = 0, a = 1] = (match ? match[1] : '0,0,0').split(',').map(Number);
    return { r, g, b, a };
  };
  const channel = (value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ({ r, g, b }) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const color = parse(getComputedStyle(node).backgroundColor);
      if (color.a > 0) return color;
    }
    return { r: 255, g: 255, b: 255 };
  };
  const failures = [];
  for (const element of document.body.querySelectorAll('*')) {
    const ownText = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim() !== '');
    if (!ownText) continue;
    const fg = luminance(parse(getComputedStyle(element).color));
    const bg = luminance(background(element));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) failures.push(element.tagName + ': ' + ratio.toFixed(2));
  }
  return failures;
})()`;

const UNLABELLED_FIELDS = `[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((field) => field.labels.length === 0).length`;

async function checkAccessible(page: Page): Promise<void> {
  expect(await page.evaluate<string[]>(CONTRAST_FAILURES)).toEqual([]);
  // Readable on a phone: nothing wider than the screen.
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
    PHONE.width,
  );
  expect(await page.evaluate<number>(UNLABELLED_FIELDS)).toBe(0);
  expect(await page.getAttribute('html', 'lang')).toBe('en');
}

async function setState(code: string, names: Record<string, unknown>): Promise<void> {
  const item = (await service.scan('DeletionRequests')).find((i) => i.confirmationCode === code);
  const sets = Object.keys(names).map((name, index) => `#n${index} = :v${index}`);
  await service.documents.send(
    new UpdateCommand({
      TableName: 'DeletionRequests',
      Key: { pk: item?.pk },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(Object.keys(names).map((name, i) => [`#n${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(
        Object.values(names).map((value, i) => [`:v${i}`, value]),
      ),
    }),
  );
}

async function submitForm(page: Page, identifier: string): Promise<void> {
  await page.goto(`${service.baseUrl}/delete-my-data`);
  const deletion = page.locator('#delete');
  await deletion.getByLabel('Email address or phone number you used with us').fill(identifier);
  await deletion.getByRole('button', { name: 'Send me a confirmation link' }).click();
  await page.waitForLoadState();
}

async function verificationLink(address: string): Promise<string> {
  const mail = await eventually(async () =>
    (await mailTo(service.endpoints.ses, address)).find((email) => email.subject.startsWith('Confirm')),
  );
  return linkIn(mail, '/deletion-requests/verify?token=') ?? '';
}

describe('self-service form and status page in Chromium', () => {
  it('shows the form, submits it, and the verification link opens the status page of a completed request', async () => {
    const page = await context.newPage();
    await page.goto(`${service.baseUrl}/delete-my-data`);
    expect(await page.textContent('h1')).toBe('Your data and your rights');
    expect(await page.textContent('#delete h2')).toBe('Delete my data');
    expect(await page.textContent('body')).toContain('DELETE MY DATA');
    await checkAccessible(page);
    await page.screenshot({ path: path.join(OUTPUT, 'delete-my-data-form.png'), fullPage: true });

    await submitForm(page, 'not an address !!');
    expect(await page.textContent('[role=alert]')).toContain(
      'Enter an email address (name@example.com) or a phone number with its country code',
    );

    await submitForm(page, 'ana@example.com');
    expect(await page.textContent('h1')).toBe('Check your messages');
    await checkAccessible(page);

    // Opening the link shows one button; only pressing it confirms (scanners open links too).
    const link = await verificationLink('ana@example.com');
    await page.goto(link);
    expect(await page.textContent('h1')).toBe('Confirm your deletion request');
    expect(await page.locator('button').count()).toBe(1);
    await checkAccessible(page);
    await page.screenshot({ path: path.join(OUTPUT, 'verify-confirm.png'), fullPage: true });
    await page.getByRole('button', { name: 'Confirm: delete my data' }).click();
    await page.waitForLoadState();
    expect(page.url()).toContain('/deletion-status?code=');
    const statusPage = page.url();
    // A whole deletion: give a busy machine time.
    const done = await eventually(async () => {
      await page.reload();
      const text = (await page.textContent('[role=status]')) ?? '';
      return text.startsWith('Done.') ? text : undefined;
    }, 60_000);
    // The headline says what was deleted and why the rest was kept: law and fraud prevention apart.
    expect(done).toBe(
      'Done. Your data has been deleted, except records kept because the law requires it and records kept to prevent fraud (listed below).',
    );
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain('Our website');
    expect(body).toContain('What we keep, and why');
    expect(body).toContain('tax and accounting law requires us to keep them');
    expect(body).toContain('What Meta and WhatsApp may still hold');
    expect(body).toContain('privacy@example.com');
    expect(body).not.toContain('ana@example.com');
    expect(body).toContain('Your deletion receipt');
    // The receipt downloads as a file, from a page that runs no script.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download your receipt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('deletion-receipt.jws');
    const saved = path.join(profile, 'deletion-receipt.jws');
    await download.saveAs(saved);
    expect(readFileSync(saved, 'utf8')).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    await checkAccessible(page);
    await page.screenshot({ path: path.join(OUTPUT, 'status-page-completed.png'), fullPage: true });

    // The link again, after the request finished: already confirmed, with the way to its status.
    await page.goto(link);
    expect(await page.textContent('h1')).toBe('Already confirmed');
    await checkAccessible(page);
    await page.screenshot({ path: path.join(OUTPUT, 'verify-already-confirmed.png'), fullPage: true });
    await page.getByRole('link', { name: 'See where your request stands' }).click();
    await page.waitForLoadState();
    expect(page.url()).toBe(statusPage);
    await page.close();
  });

  it.each([
    ['pending_verification', {}, 'We are waiting for you to confirm'],
    ['received', {}, 'We have received your request'],
    ['in_progress', {}, 'We are deleting your data now'],
    ['failed', {}, 'We hit a problem and are retrying automatically'],
    [
      'failed',
      { retriesExhaustedAt: '2027-01-02T10:00:00.000Z' },
      'We could not finish this request automatically. A person on our team is looking at it.',
    ],
    ['canceled', { cancelReason: 'You asked us to stop this request.' }, 'This request was canceled'],
  ] as const)('reads in plain words while %s %p', async (status, extra, words) => {
    const name = 'retriesExhaustedAt' in extra ? `${status}-with-our-team` : status;
    // One address per case: asking again for the same address resends its pending link, no new request.
    const address = `browser-${name}@example.com`;
    const page = await context.newPage();
    await submitForm(page, address);
    // Keep the request from being processed, so it stays in the state under test.
    await service.failSqs('SendMessage', 1);
    const code = await eventually(async () => {
      const item = (await service.scan('DeletionRequests')).find(
        (i) => i.status === 'pending_verification' && i.channel === 'web' && !i.shown,
      );
      return item ? String(item.confirmationCode) : undefined;
    });
    await setState(code, { shown: true });
    if (status !== 'pending_verification') {
      await setState(code, {
        status,
        dueAt: '2027-01-31T10:00:00.000Z',
        ...extra,
      });
    }
    await page.goto(`${service.baseUrl}/deletion-status?code=${code}`);
    const body = (await page.textContent('body')) ?? '';
    expect(await page.textContent('[role=status]')).toContain(words);
    expect(body).toContain('Questions');
    expect(body).not.toContain(address);
    if (status === 'received' || status === 'in_progress' || status === 'failed')
      expect(body).toContain('We will finish by31 January 2027');
    if (status === 'canceled') expect(body).toContain('You asked us to stop this request.');
    if (status === 'pending_verification') expect(body).toContain('Open the link in the message');
    if ('retriesExhaustedAt' in extra) {
      expect(body).toContain('Next: we will finish it, or tell you here why we cannot, by 31 January 2027.');
      expect(body).not.toMatch(/retrying|try again automatically/);
    }
    await checkAccessible(page);
    await page.screenshot({ path: path.join(OUTPUT, `status-page-${name}.png`), fullPage: true });
    await page.close();
  });
});
