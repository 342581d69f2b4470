// test support: the mail the SES stand-in kept (at <ses endpoint>/store).
export interface StoredEmail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string };
}

export async function mailTo(sesEndpoint: string, address: string): Promise<StoredEmail[]> {
  const store = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
  return store.emails.filter((email) => email.destination.to.includes(address));
}

export function linkIn(email: StoredEmail | undefined, path: string): string | undefined {
  const match = new RegExp(`https?://\\S+${path.replace(/[/?]/g, '\\$&')}\\S*`).exec(email?.body.text ?? '');
  return match?.[0];
}
