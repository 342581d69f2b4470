// adapters: confirmation emails through SES. The message carries the code, the scope, what it did
// not cover, and links only.
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { RequestType } from '../core/privacy-rights.js';
import { completionSentence, completionSubject, NOT_COVERED_WORDS } from '../core/outcome-words.js';
import { formatDay } from '../core/status-page.js';
import type { EmailNotifier, VerificationNotifier } from '../use-cases/ports.js';
import type { RightsNotifier } from '../use-cases/rights-ports.js';

export interface SesNotifierOptions {
  readonly from: string;
  readonly configurationSet?: string;
}

export function makeSesEmailNotifier(client: SESClient, options: SesNotifierOptions): EmailNotifier {
  return {
    async sendDeletionConfirmation(to, message) {
      const notCovered = NOT_COVERED_WORDS[message.facts.scope];
      const text = [
        completionSentence(message.facts),
        '',
        `Confirmation code: ${message.confirmationCode}`,
        `Completed: ${formatDay(message.completedAt.toISOString())}`,
        '',
        ...((message.erasedWhere ?? []).length > 0
          ? ['What was erased where:', ...(message.erasedWhere ?? []).map((line) => `- ${line}`), '']
          : []),
        ...(message.backupsNote ? [message.backupsNote, ''] : []),
        `What was deleted, and what we keep and why, is on the status page: ${message.statusUrl}`,
        ...(notCovered
          ? [
              '',
              `This request did not cover: ${notCovered}`,
              `To delete the rest too, ask here: ${message.deleteTheRestUrl}`,
            ]
          : []),
        '',
        'This is the last message we send you about this request.',
      ].join('\n');
      await client.send(
        new SendEmailCommand({
          Source: options.from,
          Destination: { ToAddresses: [to] },
          Message: {
            Subject: { Data: completionSubject(message.facts), Charset: 'UTF-8' },
            Body: { Text: { Data: text, Charset: 'UTF-8' } },
          },
          ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
        }),
      );
    },
  };
}

const VERIFY_WORDS: Record<RequestType, { subject: string; name: string; asked: string; ignore: string }> = {
  deletion: {
    subject: 'Confirm your data deletion request',
    name: 'Your data deletion request',
    asked: 'We received a request to delete the data we hold about this email address.',
    ignore: 'If you did not ask for this, ignore this message: nothing will be deleted.',
  },
  access: {
    subject: 'Confirm your request for a copy of your data',
    name: 'Your request for a copy of your data',
    asked: 'We received a request for a copy of the data we hold about this email address.',
    ignore: 'If you did not ask for this, ignore this message: nothing will be sent to anyone.',
  },
  correction: {
    subject: 'Confirm your correction request',
    name: 'Your correction request',
    asked: 'We received a request to correct the data we hold about this email address.',
    ignore: 'If you did not ask for this, ignore this message: nothing will be changed.',
  },
  withdraw_consent: {
    subject: 'Confirm your request to stop a use of your data',
    name: 'Your request to stop a use of your data',
    asked: 'We received a request to stop a use of the data we hold about this email address.',
    ignore: 'If you did not ask for this, ignore this message: nothing will be changed.',
  },
};

const NEW_ADDRESS_WORDS = {
  subject: 'Confirm your new email address',
  asked:
    'Someone who confirmed their identity with us asked to change the email address of their account to this address.',
  ignore: 'If you did not ask for this, ignore this message: the address on the account will not change.',
};

/** Verification links and notices about an open request, through SES. Links only; no data of the person. */
export function makeSesVerificationNotifier(
  client: SESClient,
  options: SesNotifierOptions,
): VerificationNotifier {
  async function send(to: string, subject: string, lines: readonly string[]) {
    await client.send(
      new SendEmailCommand({
        Source: options.from,
        Destination: { ToAddresses: [to] },
        Message: {
          Subject: { Data: subject, Charset: 'UTF-8' },
          Body: { Text: { Data: lines.join('\n'), Charset: 'UTF-8' } },
        },
        ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
      }),
    );
  }
  return {
    async sendVerificationLink(to, message) {
      const words = message.newAddress ? NEW_ADDRESS_WORDS : VERIFY_WORDS[message.type ?? 'deletion'];
      await send(to, words.subject, [
        words.asked,
        '',
        'To confirm that it was you, open this link and press the button on the page:',
        message.link,
        '',
        `The link expires on ${message.validUntil.toUTCString()}. Opening it alone changes nothing.`,
        words.ignore,
      ]);
    },
    async sendExistingRequest(to, statusUrl, type = 'deletion') {
      await send(to, `${VERIFY_WORDS[type].name} is already in progress`, [
        `${VERIFY_WORDS[type].asked.replace('We received a request', 'We received another request')}`,
        'A confirmed request for it is already open, so we did not start a second one.',
        '',
        `Follow it here: ${statusUrl}`,
      ]);
    },
    async sendExtension(to, message) {
      await send(to, 'Your data deletion request: new completion date', [
        `We need more time to complete your data deletion request. We will finish by ${message.dueAt.toUTCString()}.`,
        '',
        `Why: ${message.reason}`,
        '',
        `Follow it here: ${message.statusUrl}`,
      ]);
    },
  };
}

const COMPLETED_SUBJECTS: Record<string, string> = {
  access: 'Your copy of your data is ready',
  correction: 'Your data has been corrected',
  withdraw_consent: 'We have stopped that use of your data',
};

/** The one message at the end of a request for another right: what was done, and the links. */
export function makeSesRightsNotifier(client: SESClient, options: SesNotifierOptions): RightsNotifier {
  return {
    async sendRightsCompleted(to, message) {
      const lines = [
        message.summary,
        '',
        `Confirmation code: ${message.confirmationCode}`,
        ...(message.exportLink
          ? [
              '',
              'Your copy (a page to read and a file for other programs):',
              message.exportLink.url,
              `The link works until ${message.exportLink.expiresAt.toUTCString()}, only with your confirmation code; then the copy is deleted.`,
            ]
          : []),
        '',
        `Status page: ${message.statusUrl}`,
      ];
      await client.send(
        new SendEmailCommand({
          Source: options.from,
          Destination: { ToAddresses: [to] },
          Message: {
            Subject: {
              Data: COMPLETED_SUBJECTS[message.type] ?? 'Your request is complete',
              Charset: 'UTF-8',
            },
            Body: { Text: { Data: lines.join('\n'), Charset: 'UTF-8' } },
          },
          ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
        }),
      );
    },
  };
}
