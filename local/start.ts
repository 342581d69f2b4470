// local: `npm start`. Runs the service locally on its embedded defaults until Ctrl-C.
import { ANA } from './seed-data.js';
import { LOCAL_DEFAULTS, startLocalService } from './local-service.js';

const service = await startLocalService({ log: (message) => console.log(message) });
// The demos find the service by PORT: on another port they need it too.
const port = new URL(service.baseUrl).port;
const onThisPort = port === LOCAL_DEFAULTS.PORT ? '' : `PORT=${port} `;

console.log(`
Deletion service running locally
  API:            ${service.baseUrl}
  Public base:    ${service.publicBaseUrl}
  Callbacks:      POST ${service.baseUrl}/meta/data-deletion
                  POST ${service.baseUrl}/meta/deauthorize
                  POST ${service.baseUrl}/instagram/data-deletion
                  POST ${service.baseUrl}/instagram/deauthorize
  Status:         GET  ${service.baseUrl}/deletion-status?code=<confirmation code>
  Copy:           GET  ${service.baseUrl}/privacy-export?code=<confirmation code of an access request>
  WhatsApp:       GET/POST ${service.baseUrl}/whatsapp/webhook
  Self-service:   GET  ${service.baseUrl}/delete-my-data   (every right; also /privacy; verification links arrive in the SES stand-in)
                  POST ${service.baseUrl}/privacy-requests   (type: deletion, access, correction, withdraw_consent)
  Receipt keys:   GET  ${service.baseUrl}/.well-known/jwks.json
  Support:        npm run requests -- list open --local ${service.baseUrl}
  Receipts:       npm run receipt -- verify <file or code> --service ${service.baseUrl}

Stand-ins (127.0.0.1)
  DynamoDB:       ${service.endpoints.dynamodb}
  SQS:            ${service.endpoints.sqs}   (queue ${service.queueUrl})
  SES:            ${service.endpoints.ses}   (sent mail at /store)
  Graph API:      ${service.endpoints.graph}   (calls at /__calls)
  KMS:            ${service.endpoints.kms}   (receipt keys; calls at /__calls)
  S3:             ${service.endpoints.s3}   (path-style: privacy-exports for copies of people's data, local-* for the demo data map's object prefixes)
  Processors:     ${service.endpoints.processors}   (erasure webhooks of the demo data map; calls at /__calls)

Try it: ${onThisPort}npm run demo   (signs a deletion callback for Ana, Facebook id ${ANA.facebookAsid}, and follows it)
        ${onThisPort}npm run demo:whatsapp   (a signed "DELETE MY DATA" from Ana's WhatsApp, +${ANA.whatsappPhone})
Ctrl-C stops everything.
LOCAL_SERVICE_READY ${JSON.stringify({ baseUrl: service.baseUrl, endpoints: service.endpoints })}
`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await service.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
