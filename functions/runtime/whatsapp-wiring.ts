// runtime: builds the WhatsApp channel's adapters and use cases from configuration, once per process.
import { makeDynamoIdentityLinker } from '../adapters/dynamo-identity-linker.js';
import { makeDynamoSuppressionList } from '../adapters/dynamo-suppression-list.js';
import { makeContactWindowReader, makeDynamoWhatsAppInbox } from '../adapters/dynamo-whatsapp-inbox.js';
import { makeGraphApiClient } from '../adapters/graph-api-client.js';
import { makeWhatsAppCloudApiSender } from '../adapters/whatsapp-cloud-api.js';
import {
  IDENTITY_LINKS_TABLE,
  SUPPRESSIONS_TABLE,
  WHATSAPP_CONTACTS_TABLE,
  WHATSAPP_MESSAGES_TABLE,
  WHATSAPP_WEBHOOK_RECEIPTS_TABLE,
} from '../declarations/tables.js';
import { makeHandleWhatsAppMessage } from '../use-cases/handle-whatsapp-message.js';
import { systemClock } from '../use-cases/ports.js';
import { makeWhatsAppGateway, type WhatsAppGateway } from '../use-cases/whatsapp-gateway.js';
import { makeWhatsAppPhoneVerification } from '../use-cases/whatsapp-phone-verification.js';
import type { PhoneVerificationSender } from '../use-cases/ports.js';
import { graphApiSettings, phoneVerificationSettings, tableName, type Env } from './config.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { logger, powertoolsEvents } from './observability.js';
import type { SecretReader } from '../use-cases/ports.js';
import { deletionJobQueue, deletionRequestStore, identifierHasher, whatsappOpenRequests } from './wiring.js';

/** Verification links for phone numbers by WhatsApp; undefined when no business number is configured. */
export function whatsappPhoneVerification(
  env: Env,
  secrets: SecretReader,
): PhoneVerificationSender | undefined {
  const settings = phoneVerificationSettings(env);
  if (!settings) return undefined;
  return makeWhatsAppPhoneVerification({
    gateway: whatsappGateway(env, secrets),
    phoneNumberId: settings.phoneNumberId,
    lastInboundAt: makeContactWindowReader(
      dynamoDocumentClient(),
      tableName(env, WHATSAPP_CONTACTS_TABLE),
      settings.phoneNumberId,
    ),
    ...(settings.template ? { template: settings.template } : {}),
    events: powertoolsEvents,
  });
}

/** The suppression-aware gateway: the only way any function sends a WhatsApp message. */
export function whatsappGateway(env: Env, secrets: SecretReader): WhatsAppGateway {
  const documents = dynamoDocumentClient();
  return makeWhatsAppGateway({
    sender: makeWhatsAppCloudApiSender(makeGraphApiClient(graphApiSettings(env)), async () => {
      const [token = ''] = await secrets('whatsappAccessToken');
      return token;
    }),
    suppressions: makeDynamoSuppressionList(documents, tableName(env, SUPPRESSIONS_TABLE)),
    hashIdentifier: identifierHasher(secrets),
    clock: systemClock,
    events: powertoolsEvents,
  });
}

export function whatsappInbox(env: Env) {
  return makeDynamoWhatsAppInbox(dynamoDocumentClient(), {
    messages: tableName(env, WHATSAPP_MESSAGES_TABLE),
    contacts: tableName(env, WHATSAPP_CONTACTS_TABLE),
    receipts: tableName(env, WHATSAPP_WEBHOOK_RECEIPTS_TABLE),
  });
}

export function whatsappMessageHandler(
  env: Env,
  secrets: SecretReader,
  options: { readonly publicBaseUrl: string; readonly leaseMillis: number },
) {
  const documents = dynamoDocumentClient();
  return makeHandleWhatsAppMessage({
    inbox: whatsappInbox(env),
    store: deletionRequestStore(env),
    openRequests: whatsappOpenRequests(env),
    queue: deletionJobQueue(env),
    suppressions: makeDynamoSuppressionList(documents, tableName(env, SUPPRESSIONS_TABLE)),
    links: makeDynamoIdentityLinker(documents, tableName(env, IDENTITY_LINKS_TABLE)),
    gateway: whatsappGateway(env, secrets),
    clock: systemClock,
    events: powertoolsEvents,
    hashIdentifier: identifierHasher(secrets),
    warn: (message, fields) => logger.warn(message, fields),
    publicBaseUrl: options.publicBaseUrl,
    leaseMillis: options.leaseMillis,
  });
}
