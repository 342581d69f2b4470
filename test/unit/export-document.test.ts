// Unit tests for a copy of a person's data: grouped by category with what, where from, why and how
// long; a record listed once even when its store serves several categories; secrets withheld; the page
// plain HTML without script, escaping what it shows; every category of the data map explained.
import { describe, expect, it } from '@jest/globals';
import {
  buildExportDocument,
  redact,
  renderExportPage,
  withFileLink,
} from '../../functions/core/export-document.js';
import { CATEGORY_EXPLANATIONS } from '../../functions/declarations/categories.js';
import { DATA_CATEGORIES } from '../../functions/declarations/tables.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const UNTIL = new Date('2026-03-08T12:00:00.000Z');

describe('buildExportDocument', () => {
  it('groups by category, lists a record once, and explains each category', () => {
    const document = buildExportDocument(
      [
        {
          table: 'MetaPlatformData',
          categories: ['meta_pages', 'meta_insights'],
          records: [{ subject: 'facebook_asid#1', item: 'PAGE#1' }],
        },
        { table: 'Accounts', categories: ['account_profile'], records: [{ accountId: 'a', name: 'Ana' }] },
        { table: 'Accounts', categories: ['account_profile'], records: [{ accountId: 'a', company: 'X' }] },
        { table: 'SupportTickets', categories: ['support_logs'], records: [] },
      ],
      NOW,
      UNTIL,
    );
    expect(document.available_until).toBe(UNTIL.toISOString());
    expect(document.categories.map((category) => category.category)).toEqual([
      'account_profile',
      'meta_pages',
      'meta_insights',
    ]);
    const [account, pages, insights] = document.categories;
    expect(account?.records).toHaveLength(2);
    expect(account?.stores).toEqual(['Accounts']);
    expect(pages?.records).toHaveLength(1);
    expect(insights).toMatchObject({ records: [], listed_under: 'meta_pages', stores: ['MetaPlatformData'] });
    expect(pages).toMatchObject({ source: 'meta', why: CATEGORY_EXPLANATIONS.meta_pages.why });
  });

  it('withholds secrets', () => {
    expect(redact({ tokenId: 'user', accessToken: 'EAAB-secret' }, ['accessToken'])).toEqual({
      tokenId: 'user',
      accessToken: '(withheld: a secret)',
    });
  });

  it('explains every category of the data map', () => {
    for (const category of DATA_CATEGORIES) {
      const explanation = CATEGORY_EXPLANATIONS[category];
      for (const text of [explanation.what, explanation.why, explanation.howLong])
        expect(text.length).toBeGreaterThan(5);
    }
  });
});

describe('renderExportPage', () => {
  it('is plain HTML without script, escapes values, and points large categories to the file', () => {
    const records = Array.from({ length: 250 }, (_, index) => ({ item: `INSIGHTS#${index}` }));
    const html = renderExportPage(
      buildExportDocument(
        [
          {
            table: 'Accounts',
            categories: ['account_profile'],
            records: [{ name: '<script>alert(1)</script>' }],
          },
          { table: 'MetaPlatformData', categories: ['meta_insights'], records },
        ],
        NOW,
        UNTIL,
      ),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('8 March 2026');
    expect(html).toContain('50 more records of this kind are in the file for programs (JSON).');
    expect(html).toContain('Why we hold it');
  });

  it('is stored without the code, and served with a link to the same copy as a file', () => {
    const stored = renderExportPage(buildExportDocument([], NOW, UNTIL));
    expect(stored).not.toContain('format=json');
    const served = withFileLink(stored, 'AbCdEfGhIjKlMnOpQrStUvWx');
    expect(served).toContain(
      '<a href="privacy-export?code=AbCdEfGhIjKlMnOpQrStUvWx&amp;format=json" download="my-data.json">',
    );
  });

  it('says so when we hold nothing', () => {
    expect(renderExportPage(buildExportDocument([], NOW, UNTIL))).toContain('We hold no data about you.');
  });

  it('names the other systems that hold data for us, and does not call itself everything', () => {
    const document = buildExportDocument(
      [{ table: 'Accounts', categories: ['account_profile'], records: [{ name: 'Ana' }] }],
      NOW,
      UNTIL,
      [
        {
          store: 'AnalyticsProvider',
          recipient: 'our <analytics> provider',
          categories: ['analytics_identifiers'],
        },
      ],
    );
    expect(document.held_elsewhere).toEqual([
      {
        store: 'AnalyticsProvider',
        recipient: 'our <analytics> provider',
        categories: ['analytics_identifiers'],
        what: [CATEGORY_EXPLANATIONS.analytics_identifiers.what],
      },
    ]);
    const html = renderExportPage(document);
    expect(html).toContain('everything we hold about you in our own systems');
    expect(html).toContain('Held for us by other systems');
    expect(html).toContain('Our &#60;analytics&#62; provider: ');
    expect(html).toContain('This copy does not include what they hold');
  });

  it('makes no mention of other systems when none holds data for us', () => {
    const html = renderExportPage(buildExportDocument([], NOW, UNTIL));
    expect(html).not.toContain('in our own systems');
    expect(html).not.toContain('Held for us by other systems');
    expect(buildExportDocument([], NOW, UNTIL).held_elsewhere).toBeUndefined();
  });
});
