// local: demo people and their data, covering every category of the data map. Ana and Ben share
// nothing; Cleo has more than 10,000 items. The README lists their identifiers.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

export interface DemoPerson {
  readonly name: string;
  readonly accountId: string;
  readonly facebookAsid: string;
  readonly instagramScopedId: string;
  readonly pageScopedId: string;
  readonly whatsappPhone: string;
  readonly whatsappBsuid: string;
  readonly email: string;
  /** Extra Meta insight items, to make a large subject. */
  readonly bulkInsights?: number;
}

export const ANA: DemoPerson = {
  name: 'Ana',
  accountId: 'acct_ana',
  facebookAsid: '10000000000000001',
  instagramScopedId: '17841400000000001',
  pageScopedId: '24000000000000001',
  whatsappPhone: '15550000001',
  whatsappBsuid: 'US.100000000000000000001',
  email: 'ana@example.com',
};

export const BEN: DemoPerson = {
  name: 'Ben',
  accountId: 'acct_ben',
  facebookAsid: '10000000000000002',
  instagramScopedId: '17841400000000002',
  pageScopedId: '24000000000000002',
  whatsappPhone: '15550000002',
  whatsappBsuid: 'US.100000000000000000002',
  email: 'ben@example.com',
};

export const CLEO: DemoPerson = {
  name: 'Cleo',
  accountId: 'acct_cleo',
  facebookAsid: '10000000000000003',
  instagramScopedId: '17841400000000003',
  pageScopedId: '24000000000000003',
  whatsappPhone: '15550000003',
  whatsappBsuid: 'US.100000000000000000003',
  email: 'cleo@example.com',
  bulkInsights: 10_000,
};

/** One timestamp for every seeded item, so the same person's items compare equal across calls. */
const SEEDED_AT = Math.floor(Date.now() / 1000);

export const DEMO_PEOPLE: readonly DemoPerson[] = [ANA, BEN, CLEO];

/** The local bucket of the demo data map's object prefix (MediaCopies). */
export const LOCAL_MEDIA_BUCKET = 'local-media-copies';

/** Keys of a person's media copies under the MediaCopies prefix (`media/<facebook id>/`). */
export function demoMediaKeys(person: DemoPerson): string[] {
  return ['post-1.jpg', 'post-2.jpg', 'story-1.mp4'].map((name) => `media/${person.facebookAsid}/${name}`);
}

/** Puts every demo person's media copies in the local bucket. */
export async function seedDemoObjects(
  client: S3Client,
  people: readonly DemoPerson[] = DEMO_PEOPLE,
  bucket = LOCAL_MEDIA_BUCKET,
): Promise<number> {
  let count = 0;
  for (const person of people) {
    for (const key of demoMediaKeys(person)) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: `demo media of ${person.name}` }),
      );
      count += 1;
    }
  }
  return count;
}

/** Every raw identifier of a person: none may remain anywhere after a full deletion. */
export function rawIdentifiers(person: DemoPerson): string[] {
  return [
    person.facebookAsid,
    person.instagramScopedId,
    person.pageScopedId,
    person.whatsappPhone,
    person.whatsappBsuid,
    person.email,
  ];
}

/** A person's items, by table id. */
export function demoItems(person: DemoPerson): Record<string, Record<string, unknown>[]> {
  const fb = `facebook_asid#${person.facebookAsid}`;
  const ig = `instagram_scoped_id#${person.instagramScopedId}`;
  const wa = `whatsapp_phone#${person.whatsappPhone}`;
  const page = `1${person.facebookAsid.slice(-6)}`;
  const businessNumber = '106540352242922';
  const now = SEEDED_AT;
  const insights = Array.from({ length: person.bulkInsights ?? 0 }, (_, index) => ({
    subject: fb,
    item: `INSIGHTS#${page}#day#${String(index).padStart(6, '0')}`,
    reach: index % 977,
  }));
  return {
    IdentityLinks: [
      ['facebook_asid', person.facebookAsid],
      ['instagram_scoped_id', person.instagramScopedId],
      ['facebook_page_scoped_id', person.pageScopedId],
      ['whatsapp_phone', person.whatsappPhone],
      ['whatsapp_bsuid', person.whatsappBsuid],
      ['email', person.email],
    ].map(([kind, value]) => ({ identity: `${kind}#${value}`, accountId: person.accountId })),
    Accounts: [
      {
        accountId: person.accountId,
        name: `${person.name} Example`,
        email: person.email,
        company: `${person.name}'s Bakery`,
        facebookAsid: person.facebookAsid,
        instagramScopedId: person.instagramScopedId,
        metaName: `${person.name} E.`,
        metaPictureUrl: `https://graph.example/${person.facebookAsid}/picture`,
        instagramUsername: `${person.name.toLowerCase()}.bakes`,
      },
    ],
    MetaPlatformData: [
      { subject: fb, item: `PAGE#${page}`, name: `${person.name}'s Bakery`, category: 'Local business' },
      { subject: fb, item: `ROLE#${page}`, role: 'ADMIN', tasks: ['MANAGE', 'CREATE_CONTENT'] },
      { subject: fb, item: `PAGE_METADATA#${page}`, followers: 1200, about: `Run by ${person.name}` },
      { subject: fb, item: 'PERMISSIONS', granted: ['pages_manage_posts', 'pages_read_engagement'] },
      { subject: fb, item: `INSIGHTS#${page}#2026-11`, reach: 5400, engagement: 310 },
      { subject: ig, item: 'MEDIA#1', caption: `New sourdough at ${person.name}'s`, mediaType: 'IMAGE' },
      { subject: ig, item: 'MEDIA#2', caption: 'Open on Sunday', mediaType: 'CAROUSEL_ALBUM' },
      { subject: ig, item: 'INSIGHTS#2026-11', impressions: 8800 },
      {
        subject: `page#${page}`,
        item: `PSID#${person.pageScopedId}`,
        pageScopedId: person.pageScopedId,
        label: 'customer',
      },
      ...insights,
    ],
    IntegrationTokens: [
      {
        owner: fb,
        tokenId: 'user',
        platform: 'facebook',
        accessToken: `EAAB-local-user-${person.facebookAsid}`,
      },
      {
        owner: fb,
        tokenId: `page#${page}`,
        platform: 'facebook',
        pageId: page,
        webhookSubscribed: true,
        accessToken: `EAAB-local-page-${page}`,
      },
      {
        owner: ig,
        tokenId: 'user',
        platform: 'instagram',
        accessToken: `IGQ-local-${person.instagramScopedId}`,
      },
      {
        owner: `account_id#${person.accountId}`,
        tokenId: 'shop',
        platform: 'shopify',
        accessToken: `shpat_local_${person.accountId}`,
      },
    ],
    WhatsAppMessages: [
      {
        contact: wa,
        messageKey: '1764400000#wamid.IN1',
        direction: 'in',
        body: 'Hi, is the shop open?',
        bsuid: person.whatsappBsuid,
        phoneNumberId: businessNumber,
        expiresAt: now + 90 * 86400,
      },
      {
        contact: wa,
        messageKey: '1764400060#wamid.OUT1',
        direction: 'out',
        body: 'Yes, until 6pm.',
        status: 'read',
        phoneNumberId: businessNumber,
        expiresAt: now + 90 * 86400,
      },
      {
        contact: `whatsapp_bsuid#${person.whatsappBsuid}`,
        messageKey: '1764400120#wamid.IN2',
        direction: 'in',
        body: 'Thanks!',
        phoneNumberId: businessNumber,
        expiresAt: now + 90 * 86400,
      },
    ],
    WhatsAppContacts: [
      {
        contact: wa,
        phoneNumberId: businessNumber,
        waId: person.whatsappPhone,
        bsuid: person.whatsappBsuid,
        profileName: person.name,
        lastInboundAt: now - 3600,
      },
    ],
    AgentTranscripts: [
      {
        accountId: person.accountId,
        turn: 'conv1#001',
        role: 'user',
        text: `I am ${person.name}, my email is ${person.email}`,
      },
      { accountId: person.accountId, turn: 'conv1#002', role: 'agent', text: 'Thanks, how can I help?' },
      {
        accountId: 'visitor',
        turn: `${person.accountId}#conv0#001`,
        visitorEmail: person.email,
        role: 'user',
        text: 'Pre-sales question',
      },
    ],
    SupportTickets: [
      {
        ticketId: `T-${person.accountId}-1`,
        accountId: person.accountId,
        requesterEmail: person.email,
        subject: 'Invoice question',
        body: `From ${person.name}`,
      },
    ],
    Preferences: [
      { accountId: person.accountId, preference: 'language', value: 'en' },
      { accountId: person.accountId, preference: 'newsletter', value: true },
    ],
    AnalyticsIdentifiers: [
      {
        accountId: person.accountId,
        analyticsId: `ga.${person.facebookAsid.slice(-4)}`,
        firstSeen: '2026-01-01',
      },
    ],
    BillingRecords: [
      {
        accountId: person.accountId,
        invoiceId: 'INV-2026-001',
        amountCents: 4900,
        currency: 'EUR',
        customerName: `${person.name} Example`,
        customerEmail: person.email,
        billingAddress: '1 Main St',
      },
      {
        accountId: person.accountId,
        invoiceId: 'INV-2026-002',
        amountCents: 4900,
        currency: 'EUR',
        customerName: `${person.name} Example`,
        customerEmail: person.email,
        billingAddress: '1 Main St',
      },
    ],
    FraudSignals: [
      {
        accountId: person.accountId,
        signalId: 'chargeback-1',
        kind: 'chargeback',
        email: person.email,
        ipAddress: '203.0.113.7',
        name: person.name,
      },
    ],
  };
}

export async function seedDemoData(
  client: DynamoDBDocumentClient,
  people: readonly DemoPerson[] = DEMO_PEOPLE,
) {
  let count = 0;
  for (const person of people) {
    for (const [table, items] of Object.entries(demoItems(person))) {
      for (let i = 0; i < items.length; i += 25) {
        let pending: unknown[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
        while (pending && pending.length > 0) {
          const result: BatchWriteCommandOutput = await client.send(
            new BatchWriteCommand({ RequestItems: { [table]: pending as never } }),
          );
          pending = result.UnprocessedItems?.[table];
        }
      }
      count += items.length;
    }
  }
  return { items: count };
}
