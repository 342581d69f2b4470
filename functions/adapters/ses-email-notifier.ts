// adapters: confirmation emails through SES. The message carries the code and the status link only.
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { EmailNotifier } from '../use-cases/ports.js';

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
