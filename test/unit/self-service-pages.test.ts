// Unit tests for the self-service pages' links: a browser resolves them against the page's own URL, which
// carries the stage path on the API's default URL (/<stage>/delete-my-data) and none on a custom domain.
import { describe, expect, it } from '@jest/globals';
import { renderRequestForm, renderRightsPage } from '../../functions/core/rights-pages.js';
import {
  EVERY_CHANNEL,
  identifierProblemWords,
  refusedIdentifierWords,
  renderLinkSentPage,
  renderMessagePage,
} from '../../functions/core/self-service-pages.js';
import { DEFAULT_CONTACT } from '../../functions/core/status-page.js';

const BASES = ['https://abc123.execute-api.eu-west-1.amazonaws.com/prod', 'https://privacy.example.com'];

const formAction = (html: string) => /<form\b[^>]*\baction="([^"]*)"/.exec(html)?.[1] ?? '';
const links = (html: string) => [...html.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1] ?? '');

describe.each(BASES)('self-service pages under %s', (base) => {
  it('the form posts to the request route, from the form page and from a re-shown form', () => {
    expect(new URL(formAction(renderRequestForm({}, DEFAULT_CONTACT)), `${base}/delete-my-data`).href).toBe(
      `${base}/deletion-requests`,
    );
    const reshown = renderRequestForm({ identifier: 'x', error: 'Enter an address' }, DEFAULT_CONTACT);
    expect(new URL(formAction(reshown), `${base}/deletion-requests`).href).toBe(`${base}/deletion-requests`);
  });

  it('every form of the page for every right posts to its route, from /delete-my-data and from /privacy', () => {
    const html = renderRightsPage({}, DEFAULT_CONTACT);
    const actions = [...html.matchAll(/<form\b[^>]*\baction="([^"]*)"/g)].map((match) => match[1] ?? '');
    for (const page of [`${base}/delete-my-data`, `${base}/privacy`, `${base}/privacy-requests`])
      expect(actions.map((action) => new URL(action, page).href)).toEqual([
        `${base}/deletion-requests`,
        `${base}/privacy-requests`,
        `${base}/privacy-requests`,
        `${base}/privacy-requests`,
      ]);
  });

  it('"try again" after a sent link leads back to the form', () => {
    const html = renderLinkSentPage('email', DEFAULT_CONTACT);
    const form = links(html).filter((href) => !href.startsWith('mailto:'));
    expect(form.map((href) => new URL(href, `${base}/deletion-requests`).href)).toEqual([
      `${base}/delete-my-data`,
    ]);
  });

  it('a message page, served at two depths, links to the form by its full URL', () => {
    const html = renderMessagePage('Title', 'Message', DEFAULT_CONTACT, `${base}/delete-my-data`);
    for (const page of [`${base}/deletion-requests`, `${base}/deletion-requests/verify?token=x`]) {
      const form = links(html).filter((href) => !href.startsWith('mailto:'));
      expect(form.map((href) => new URL(href, page).href)).toEqual([`${base}/delete-my-data`]);
    }
  });
});

describe('the page on a stage that serves no platform channel', () => {
  it('offers the form and email only: no Facebook, Instagram, WhatsApp or phone number', () => {
    const html = renderRightsPage({}, DEFAULT_CONTACT, { metaPlatforms: [], whatsapp: false });
    expect(html).not.toMatch(/Facebook|Instagram|WhatsApp|phone number|DELETE MY DATA/);
    expect(html).not.toContain('value="marketing_messages"');
    expect(html).toContain('<label for="identifier">Email address you used with us</label>');
    expect(renderRightsPage({}, DEFAULT_CONTACT)).toContain('value="marketing_messages"');
  });

  it('answers a phone number or a social account name in words that offer only email', () => {
    const offer = { metaPlatforms: [], whatsapp: false } as const;
    expect(refusedIdentifierWords('whatsapp_unavailable', offer)).not.toMatch(/WhatsApp/);
    expect(refusedIdentifierWords('use_platform_settings', offer)).not.toMatch(/Facebook|Instagram/);
    expect(identifierProblemWords('phone_needs_country_code', offer)).not.toMatch(/country code/);
    expect(identifierProblemWords('phone_needs_country_code', EVERY_CHANNEL)).toMatch(/country code/);
  });
});
