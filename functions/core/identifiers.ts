// core: the kinds of identifier a subject can be known by.

/** Identifiers a person knows themselves by (and can ask with); the account id is ours. */
export const PERSONAL_IDENTIFIER_KINDS = [
  'facebook_asid',
  'instagram_scoped_id',
  'facebook_page_scoped_id',
  'whatsapp_phone',
  'whatsapp_bsuid',
  'email',
] as const;

export type IdentifierKind = (typeof PERSONAL_IDENTIFIER_KINDS)[number] | 'account_id';
