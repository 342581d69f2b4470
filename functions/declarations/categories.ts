// declarations: what each category of the data map is, as a copy of one's data explains it (GDPR Art.
// 15(1): the purposes, the categories, the storage period, the source). Worded for people; the privacy
// policy is the authority on purposes and retention.
import type { DataCategory } from './tables.js';

export type DataSource = 'meta' | 'whatsapp' | 'our_forms' | 'ai_assistant' | 'support' | 'our_service';

export interface CategoryExplanation {
  /** What it is. */
  readonly what: string;
  /** Where it came from. */
  readonly source: DataSource;
  /** Why we hold it (purpose and legal basis). */
  readonly why: string;
  /** How long we keep it. */
  readonly howLong: string;
}

export const SOURCE_WORDS: Readonly<Record<DataSource, string>> = {
  meta: 'Facebook or Instagram (Meta), through the permissions you granted when you connected them',
  whatsapp: 'WhatsApp, from your messages with us',
  our_forms: 'You, through our website, portal and forms',
  ai_assistant: 'Our AI assistant, from your conversations with it',
  support: 'You and our support team, from your support requests',
  our_service: 'Our service, from your use of it',
};

const WHILE_ACTIVE = 'As long as your account or integration is active, then deleted.';
const META_INTEGRATION = 'As long as the Facebook or Instagram integration stays connected, then deleted.';

export const CATEGORY_EXPLANATIONS: Readonly<Record<DataCategory, CategoryExplanation>> = {
  account_profile: {
    what: 'Your account: name, email address and company name.',
    source: 'our_forms',
    why: 'To provide our services to you (contract).',
    howLong: WHILE_ACTIVE,
  },
  meta_profile_fields: {
    what: 'Profile details from Meta: your Facebook and Instagram ids, name, picture and Instagram username.',
    source: 'meta',
    why: 'To show and connect your Facebook and Instagram accounts (your consent when connecting).',
    howLong: META_INTEGRATION,
  },
  meta_identity_link: {
    what: 'The link between your account and your Facebook, Instagram and page-scoped ids.',
    source: 'meta',
    why: 'To know which Meta data belongs to your account, and to delete it when you ask.',
    howLong: META_INTEGRATION,
  },
  whatsapp_identity_link: {
    what: 'The link between your account and your WhatsApp number and WhatsApp user id.',
    source: 'whatsapp',
    why: 'To know which WhatsApp conversations belong to your account.',
    howLong: WHILE_ACTIVE,
  },
  email_identity_link: {
    what: 'The link between your account and your email address.',
    source: 'our_forms',
    why: 'To find your account when you contact us or ask about your data.',
    howLong: WHILE_ACTIVE,
  },
  meta_pages: {
    what: 'Facebook pages you connected.',
    source: 'meta',
    why: 'To manage your pages for you (your consent when connecting).',
    howLong: META_INTEGRATION,
  },
  meta_page_roles: {
    what: 'Your roles and tasks on those pages.',
    source: 'meta',
    why: 'To act on your pages only as far as your role allows.',
    howLong: META_INTEGRATION,
  },
  meta_page_metadata: {
    what: 'Details of your pages (followers, description).',
    source: 'meta',
    why: 'To show your pages in our service.',
    howLong: META_INTEGRATION,
  },
  meta_publishing_permissions: {
    what: 'The permissions you granted us on Facebook and Instagram.',
    source: 'meta',
    why: 'To use only what you allowed.',
    howLong: META_INTEGRATION,
  },
  meta_access_tokens: {
    what: 'Access tokens Meta gave us for your account and pages (shown here without the token itself, a secret).',
    source: 'meta',
    why: 'To act for you on Facebook and Instagram as you allowed.',
    howLong: META_INTEGRATION,
  },
  instagram_media: {
    what: 'Instagram posts and captions.',
    source: 'meta',
    why: 'To publish and show your Instagram content (your consent when connecting).',
    howLong: META_INTEGRATION,
  },
  meta_insights: {
    what: 'Insights about your pages and posts (reach, engagement, impressions).',
    source: 'meta',
    why: 'To report how your pages and posts perform.',
    howLong: META_INTEGRATION,
  },
  whatsapp_message_content: {
    what: 'The content of your WhatsApp messages with us, in both directions.',
    source: 'whatsapp',
    why: 'To answer the messages you send us (contract, legitimate interest).',
    howLong: 'Up to 90 days, then deleted automatically.',
  },
  whatsapp_message_metadata: {
    what: 'Details of those messages: times and the business number you wrote to.',
    source: 'whatsapp',
    why: 'To run the conversation and keep to WhatsApp’s rules (the 24-hour window).',
    howLong: 'Up to 90 days, then deleted automatically.',
  },
  whatsapp_receipts: {
    what: 'Delivery and read receipts of our messages to you.',
    source: 'whatsapp',
    why: 'To know whether our messages reached you.',
    howLong: 'Up to 90 days, then deleted automatically.',
  },
  whatsapp_identifiers: {
    what: 'Your WhatsApp number, WhatsApp user id, profile name and when you last wrote.',
    source: 'whatsapp',
    why: 'To reply to you on WhatsApp.',
    howLong: WHILE_ACTIVE,
  },
  ai_transcripts: {
    what: 'Transcripts of your conversations with our AI assistant (your side; our assistant’s replies to you).',
    source: 'ai_assistant',
    why: 'To continue a conversation and to improve answers (your consent, which you can withdraw).',
    howLong: WHILE_ACTIVE,
  },
  support_logs: {
    what: 'Your support requests and the messages exchanged with our team.',
    source: 'support',
    why: 'To answer your requests (contract, legitimate interest).',
    howLong: WHILE_ACTIVE,
  },
  preferences: {
    what: 'Your settings and choices (language, notifications, consent you withdrew).',
    source: 'our_forms',
    why: 'To respect your settings and choices.',
    howLong: WHILE_ACTIVE,
  },
  analytics_identifiers: {
    what: 'Analytics identifiers (device and cookie ids) linked to your account.',
    source: 'our_service',
    why: 'To understand how our service is used (your consent, which you can withdraw).',
    howLong: 'For a limited period while your account is active, then deleted.',
  },
  integration_tokens: {
    what: 'Tokens of other apps you connected (shown here without the token itself, a secret).',
    source: 'our_forms',
    why: 'To work with the apps you connected.',
    howLong: 'As long as the app stays connected, then deleted.',
  },
  billing_records: {
    what: 'Invoices and payments.',
    source: 'our_service',
    why: 'Tax and accounting law requires us to keep them (legal obligation).',
    howLong: '10 years, as tax and accounting law requires.',
  },
  fraud_prevention_records: {
    what: 'Fraud-prevention records such as chargebacks.',
    source: 'our_service',
    why: 'To protect you and us from fraud (legitimate interest).',
    howLong: '2 years.',
  },
};
