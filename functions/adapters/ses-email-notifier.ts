// adapters: confirmation emails through SES. The message carries the code, the scope, what it did
// not cover, and links only.
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { completionSentence, completionSubject, NOT_COVERED_WORDS } from '../core/outcome-words.js';
import { formatDay } from '../core/status-page.js';
import type { EmailNotifier, VerificationNotifier } from '../use-cases/ports.js';

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
      await send(to, 'Confirm your data deletion request', [
        'We received a request to delete the data we hold about this email address.',
        '',
        'To confirm that it was you, open this link and press the button on the page:',
        message.link,
        '',
        `The link expires on ${message.validUntil.toUTCString()}. Opening it alone changes nothing.`,
        'If you did not ask for this, ignore this message: nothing will be deleted.',
      ]);
    },
    async sendExistingRequest(to, statusUrl) {
      await send(to, 'Your data deletion request is already in progress', [
        'We received another request to delete the data we hold about this email address.',
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
