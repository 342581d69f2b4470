// test support: confirms a verification link as a person does. Opening the link only shows a page with
// one button (scanners and previews open links too); pressing it posts the token from the page's form.
export interface Confirmed {
  readonly status: number;
  /** Where the confirmation redirects (the status page), if it does. */
  readonly location: string;
  readonly text: string;
}

/** Opens `link` against `baseUrl` (links carry the public base URL), then presses the page's button. */
export async function confirmLink(link: string, baseUrl: string): Promise<Confirmed> {
  const url = new URL(link);
  const page = await (await fetch(`${baseUrl}${url.pathname}${url.search}`)).text();
  const token = /name="token" value="([^"]+)"/.exec(page)?.[1] ?? url.searchParams.get('token') ?? '';
  const response = await fetch(`${baseUrl}/deletion-requests/verify`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  return {
    status: response.status,
    location: response.headers.get('location') ?? '',
    text: await response.text(),
  };
}
