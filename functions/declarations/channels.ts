// declarations: the platform channels a stage can serve. The web form, email and the support command are
// always there; Facebook, Instagram and WhatsApp each need the company's app on that platform, so a stage
// names the ones it serves (`channels` in config/<stage>.json) and gets no route, secret, function,
// parameter or alarm for the others.
import type { SecretName } from './secrets.js';

export const PLATFORM_CHANNELS = ['facebook', 'instagram', 'whatsapp'] as const;
export type PlatformChannel = (typeof PLATFORM_CHANNELS)[number];

/** The environment variable that tells a function which platform channels its stage serves. */
export const SERVED_CHANNELS_ENV = 'SERVED_CHANNELS';

/** The platform channel each secret belongs to; a secret not listed here serves every channel. */
export const SECRET_CHANNEL: Readonly<Partial<Record<SecretName, PlatformChannel>>> = {
  metaAppSecret: 'facebook',
  instagramAppSecret: 'instagram',
  whatsappAppSecret: 'whatsapp',
  whatsappVerifyToken: 'whatsapp',
  whatsappAccessToken: 'whatsapp',
};

/** Whether a secret exists on a stage serving `channels`. */
export function secretIsServed(name: SecretName, channels: ReadonlySet<PlatformChannel>): boolean {
  const channel = SECRET_CHANNEL[name];
  return channel === undefined || channels.has(channel);
}

/**
 * Reads a comma-separated list of channels (the environment variable, or `-c channels=...`). Returns the
 * names it does not know as `unknown`, so each reader says what is wrong in its own words.
 */
export function parseChannelList(value: string): {
  readonly channels: PlatformChannel[];
  readonly unknown: string[];
} {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const isChannel = (name: string): name is PlatformChannel =>
    (PLATFORM_CHANNELS as readonly string[]).includes(name);
  return {
    channels: [...new Set(names.filter(isChannel))],
    unknown: names.filter((name) => !isChannel(name)),
  };
}
