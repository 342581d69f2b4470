// core: the four Meta signed-request callbacks (Facebook and Instagram; data deletion and deauthorize)
// and what each platform means: whose secrets sign it, which identifier its user id is, which channel.
import type { Channel, IdentifierKind, SubjectIdentifier } from './deletion-request.js';
import { INTEGRATION_TOKENS_TABLE } from '../declarations/tables.js';
import type { SecretName } from '../declarations/secrets.js';

export type MetaPlatform = 'facebook' | 'instagram';
export type MetaCallbackKind = 'data_deletion' | 'deauthorize';

export interface MetaCallback {
  readonly platform: MetaPlatform;
  readonly kind: MetaCallbackKind;
}

export interface PlatformDefinition {
  readonly channel: Channel;
  /** The user id of a callback is scoped to the platform's app: never mix the two kinds. */
  readonly identifier: IdentifierKind;
  /**
   * The platform's own secret (current, then previous). Never the other platform's: a request
   * signed for one app would otherwise be read as a user of the other, whose ids are unrelated.
   */
  readonly secrets: readonly SecretName[];
}

export const PLATFORMS: Readonly<Record<MetaPlatform, PlatformDefinition>> = {
  facebook: { channel: 'facebook', identifier: 'facebook_asid', secrets: ['metaAppSecret'] },
  instagram: {
    channel: 'instagram',
    identifier: 'instagram_scoped_id',
    secrets: ['instagramAppSecret'],
  },
};

/** Meta platform identifiers whose tokens and grants the revocation step handles, by platform. */
export const PLATFORM_OF_IDENTIFIER: Readonly<Partial<Record<IdentifierKind, MetaPlatform>>> = {
  facebook_asid: 'facebook',
  instagram_scoped_id: 'instagram',
};

/** One secret value, named for logs and metrics without revealing it. */
export interface SecretCandidate {
  readonly value: string;
  /** e.g. `instagramAppSecret:current`, `metaAppSecret:previous`. */
  readonly label: string;
}

/** Flattens the platform's secrets into the ordered candidate list the verifier tries. */
export function secretCandidates(
  valuesByName: ReadonlyArray<readonly [SecretName, readonly string[]]>,
): SecretCandidate[] {
  return valuesByName.flatMap(([name, values]) =>
    values.map((value, index) => ({
      value,
      label: `${name}:${index === 0 ? 'current' : index === 1 ? 'previous' : `older${index}`}`,
    })),
  );
}

/** What the answer to Meta is: a status link and code for deletions, an empty 200 for deauthorize. */
export function answersWithStatus(kind: MetaCallbackKind): boolean {
  return kind === 'data_deletion';
}

/**
 * When the deletion of a deauthorized user's Meta platform data runs: at once. Revoking access
 * ends every purpose we had for that data, and the privacy policy promises deletion once access is
 * revoked; waiting would only keep data we can no longer refresh or use (docs/meta.md).
 */
export const DEAUTHORIZE_SCHEDULE = 'immediate_on_deauthorize' as const;

/** The IntegrationTokens owner key of a Meta identifier, read from the data map. */
export function metaTokenOwner(identifier: SubjectIdentifier): string | undefined {
  const table = INTEGRATION_TOKENS_TABLE.personalData;
  if (table.kind !== 'mapped') return undefined;
  const lookup = table.rules
    .filter((rule) => rule.categories.includes('meta_access_tokens'))
    .flatMap((rule) => rule.lookups)
    .find(
      (candidate) =>
        candidate.identifier === identifier.kind &&
        candidate.index === undefined &&
        candidate.keyAttribute === INTEGRATION_TOKENS_TABLE.partitionKey.name,
    );
  return lookup ? `${lookup.keyPrefix ?? ''}${identifier.value}` : undefined;
}
