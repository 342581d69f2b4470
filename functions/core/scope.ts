// core: which categories of data a request from each channel covers, as the privacy policy words
// it. A Facebook or Instagram callback covers the Meta platform data held for that scoped user.
import type { Channel } from './deletion-request.js';
import type { DataCategory, PersonalDataRule, TableDeclaration } from '../declarations/tables.js';

const META_PLATFORM_DATA: readonly DataCategory[] = [
  'meta_pages',
  'meta_page_roles',
  'meta_page_metadata',
  'meta_publishing_permissions',
  'meta_access_tokens',
  'instagram_media',
  'meta_insights',
];

export const CHANNEL_SCOPE: Readonly<Record<Channel, readonly DataCategory[]>> = {
  facebook: META_PLATFORM_DATA,
  instagram: META_PLATFORM_DATA,
  whatsapp: [],
  web: META_PLATFORM_DATA,
  email: META_PLATFORM_DATA,
};

/** The mapped tables holding at least one category in the channel's scope. */
export function tablesInScope<T extends TableDeclaration & { personalData: PersonalDataRule }>(
  channel: Channel,
  tables: readonly T[],
): T[] {
  const scope = new Set(CHANNEL_SCOPE[channel]);
  return tables.filter((table) => table.personalData.categories.some((category) => scope.has(category)));
}
