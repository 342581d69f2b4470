// adapters: confirmation emails through SES. The message carries the code and the status link only.
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { EmailNotifier, VerificationNotifier } from '../use-cases/ports.js';

export interface SesNotifierOptions {
  readonly from: string;
  readonly configurationSet?: string;
}

export function makeSesEmailNotifier(client: SESClient, options: SesNotifierOptions): EmailNotifier {
  return {
    async sendDeletionConfirmation(to, message) {
      const text = [
        'Your data deletion request is complete.',
        '',
        `Confirmation code: ${message.confirmationCode}`,
        `Completed: ${message.completedAt.toUTCString()}`,
        '',
        ...((message.erasedWhere ?? []).length > 0
          ? ['What was erased where:', ...(message.erasedWhere ?? []).map((line) => `- ${line}`), '']
          : []),
        ...(message.backupsNote ? [message.backupsNote, ''] : []),
        `What was deleted, and anything we must keep by law, is on the status page: ${message.statusUrl}`,
        '',
        'This is the last message we send you about this request.',
      ].join('\n');
      await client.send(
        new SendEmailCommand({
          Source: options.from,
          Destination: { ToAddresses: [to] },
          Message: {
            Subject: { Data: 'Your data has been deleted', Charset: 'UTF-8' },
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
        'To confirm that it was you, open this link:',
        message.link,
        '',
        `The link works once and expires on ${message.validUntil.toUTCString()}.`,
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
