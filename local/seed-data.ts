// local: demo people and their data. Ana and Ben share nothing; the README lists their identifiers.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { META_PLATFORM_DATA_TABLE } from '../functions/declarations/tables.js';

export interface DemoPerson {
  readonly name: string;
  readonly facebookAsid: string;
  readonly instagramScopedId: string;
  readonly whatsappPhone: string;
  readonly email: string;
}

export const ANA: DemoPerson = {
  name: 'Ana',
  facebookAsid: '10000000000000001',
  instagramScopedId: '17841400000000001',
  whatsappPhone: '15550000001',
  email: 'ana@example.com',
};

export const BEN: DemoPerson = {
  name: 'Ben',
  facebookAsid: '10000000000000002',
  instagramScopedId: '17841400000000002',
  whatsappPhone: '15550000002',
  email: 'ben@example.com',
};

export const DEMO_PEOPLE: readonly DemoPerson[] = [ANA, BEN];

/** Items of the Meta platform data table for one person. */
export function metaPlatformItems(person: DemoPerson): Record<string, unknown>[] {
  const fb = `facebook_asid#${person.facebookAsid}`;
  const ig = `instagram_scoped_id#${person.instagramScopedId}`;
  const page = `1${person.facebookAsid.slice(-6)}`;
  return [
    { subject: fb, item: `PAGE#${page}`, name: `${person.name}'s Bakery`, category: 'Local business' },
    { subject: fb, item: `ROLE#${page}`, role: 'ADMIN', tasks: ['MANAGE', 'CREATE_CONTENT'] },
    { subject: fb, item: `PAGE_METADATA#${page}`, followers: 1200, about: `Run by ${person.name}` },
    { subject: fb, item: 'PERMISSIONS', granted: ['pages_manage_posts', 'pages_read_engagement'] },
    {
      subject: fb,
      item: 'TOKEN#user',
      accessToken: `EAAB-local-user-token-${person.facebookAsid}`,
      expiresAt: 0,
    },
    { subject: fb, item: `TOKEN#page#${page}`, accessToken: `EAAB-local-page-token-${page}` },
    { subject: fb, item: `INSIGHTS#${page}#2026-11`, reach: 5400, engagement: 310 },
    { subject: ig, item: 'MEDIA#1', caption: `New sourdough at ${person.name}'s`, mediaType: 'IMAGE' },
    { subject: ig, item: 'MEDIA#2', caption: 'Open on Sunday', mediaType: 'CAROUSEL_ALBUM' },
    { subject: ig, item: 'INSIGHTS#2026-11', impressions: 8800 },
  ];
}

export async function seedDemoData(client: DynamoDBDocumentClient, tableName = META_PLATFORM_DATA_TABLE.id) {
  const items = DEMO_PEOPLE.flatMap(metaPlatformItems);
  for (let i = 0; i < items.length; i += 25) {
    await client.send(
      new BatchWriteCommand({
        RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
  return { items: items.length };
}
