// declarations: the receipt signing keys, shared by the stack and the local runner. The worker signs
// with the current key only; the JWKS publishes the current key and the previous ones, so receipts
// signed before a rotation still verify.

/** KMS key id the worker signs receipts with (kms:Sign on that key only). */
export const RECEIPT_SIGNING_KEY_ENV = 'RECEIPT_SIGNING_KEY_ID';
/** Comma-separated KMS key ids the JWKS publishes: the current one first, then the previous ones. */
export const RECEIPT_PUBLISHED_KEYS_ENV = 'RECEIPT_PUBLISHED_KEY_IDS';

/** The key spec and usage every receipt key has (ES256 in JOSE terms). */
export const RECEIPT_KEY_SPEC = 'ECC_NIST_P256';
export const RECEIPT_KEY_USAGE = 'SIGN_VERIFY';

/** Path of the published keys (RFC 8615 well-known location, as OpenID and others use it). */
export const JWKS_PATH = '/.well-known/jwks.json';
