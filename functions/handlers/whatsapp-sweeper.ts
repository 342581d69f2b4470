// handler: scheduled. Processes stored WhatsApp messages the webhook could not handle at once.
import type { Context } from 'aws-lambda';
import { FUNCTIONS } from '../declarations/functions.js';
import { makeSweepWhatsAppInbox } from '../use-cases/sweep-whatsapp-inbox.js';
import { systemClock } from '../use-cases/ports.js';
import { publicBaseUrl, whatsappSettings } from '../runtime/config.js';
import { logger, metrics, powertoolsEvents } from '../runtime/observability.js';
import { makeSecretReader } from '../runtime/secrets.js';
import { whatsappInbox, whatsappMessageHandler } from '../runtime/whatsapp-wiring.js';

const env = process.env;
const secrets = makeSecretReader(env);

const sweepWhatsAppInbox = makeSweepWhatsAppInbox({
  inbox: whatsappInbox(env),
  clock: systemClock,
  events: powertoolsEvents,
  handleMessage: whatsappMessageHandler(env, secrets, {
    publicBaseUrl: publicBaseUrl(env),
    leaseMillis: (FUNCTIONS.whatsappSweeper.timeoutSeconds + 5) * 1000,
  }),
  graceSeconds: whatsappSettings(env).sweepGraceSeconds,
  batchSize: 50,
});

export async function handler(_event: unknown, context: Context) {
  logger.addContext(context);
  try {
    const result = await sweepWhatsAppInbox();
    if (result.processed + result.failed > 0) logger.info('WhatsApp messages swept', result);
    return result;
  } finally {
    metrics.publishStoredMetrics();
  }
}
