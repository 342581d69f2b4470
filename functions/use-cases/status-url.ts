// use-cases: the public status link handed to people and to Meta.
export function statusUrl(publicBaseUrl: string, confirmationCode: string): string {
  return `${publicBaseUrl}/deletion-status?code=${encodeURIComponent(confirmationCode)}`;
}
