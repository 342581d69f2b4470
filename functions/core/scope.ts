// core: what a request from each channel covers, as the privacy policy words it. A Facebook or
// Instagram callback covers the Meta platform data held for that scoped user; a WhatsApp "DELETE MY
// DATA" covers WhatsApp data; a verified request by email, web or support covers everything, except
// a web request verified by a phone number, which covers that number's WhatsApp data.
import type { Channel } from './deletion-request.js';
import { PERSONAL_IDENTIFIER_KINDS, type IdentifierKind } from './identifiers.js';
import { DATA_CATEGORIES, type DataCategory } from '../declarations/tables.js';

const META_PLATFORM_DATA: readonly DataCategory[] = [
  'meta_pages',
  'meta_page_roles',
  'meta_page_metadata',
  'meta_publishing_permissions',
  'meta_access_tokens',
  'instagram_media',
  'meta_insights',
  'meta_profile_fields',
  'meta_identity_link',
];

const WHATSAPP_DATA: readonly DataCategory[] = [
  'whatsapp_message_content',
  'whatsapp_message_metadata',
  'whatsapp_receipts',
  'whatsapp_identifiers',
  'whatsapp_identity_link',
];

export type ScopeName = 'meta_platform_data' | 'whatsapp_data' | 'everything';

export interface Scope {
  readonly name: ScopeName;
  readonly categories: readonly DataCategory[];
  /** Identifiers that get a suppression record: nothing more is sent to them. */
  readonly suppressedIdentifiers: readonly IdentifierKind[];
}

const SCOPES: Readonly<Record<ScopeName, Scope>> = {
  meta_platform_data: {
    name: 'meta_platform_data',
    categories: META_PLATFORM_DATA,
    suppressedIdentifiers: ['facebook_asid', 'instagram_scoped_id', 'facebook_page_scoped_id'],
  },
  whatsapp_data: {
    name: 'whatsapp_data',
    categories: WHATSAPP_DATA,
    suppressedIdentifiers: ['whatsapp_phone', 'whatsapp_bsuid'],
  },
  everything: {
    name: 'everything',
    categories: DATA_CATEGORIES,
    suppressedIdentifiers: PERSONAL_IDENTIFIER_KINDS,
  },
};

const CHANNEL_SCOPE: Readonly<Record<Channel, ScopeName>> = {
  facebook: 'meta_platform_data',
  instagram: 'meta_platform_data',
  whatsapp: 'whatsapp_data',
  web: 'everything',
  email: 'everything',
  support: 'everything',
};

export function scopeOf(channel: Channel): Scope {
  return SCOPES[CHANNEL_SCOPE[channel]];
}

/**
 * What one request covers: its channel's scope, unless the request was narrowed when it was made. A
 * web request verified by a phone number covers that number's WhatsApp data only: controlling a
 * number now proves nothing about an account it was once linked to (numbers are recycled).
 */
export function scopeOfRequest(request: { readonly channel: Channel; readonly scope?: ScopeName }): Scope {
  return SCOPES[request.scope ?? CHANNEL_SCOPE[request.channel]];
}

/**
 * The identifiers of a scope another system may be given: a scope limited to one platform gives only that
 * platform's identifiers; everything gives every identifier, the account id included.
 */
export function sharedIdentifiersOf(scope: Scope): readonly IdentifierKind[] {
  return scope.name === 'everything'
    ? [...PERSONAL_IDENTIFIER_KINDS, 'account_id']
    : scope.suppressedIdentifiers;
}
