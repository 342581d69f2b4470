// core: the human status page. Plain HTML, no script, nothing that identifies the person.
import { createHash } from 'node:crypto';
import type { DeletionStatusView, RequestStatus } from './deletion-request.js';
import { RECEIPT_MEDIA_TYPE } from './deletion-receipt.js';
import { renderRightsStatusPage } from './rights-status-page.js';
import { completionHeadline, DELETE_THE_REST_PATH, keptBecause, NOT_COVERED_WORDS } from './outcome-words.js';
import { backupsNote, erasedWhereLines } from './erased-where.js';
import { countOf, formatCount, formatDay } from './plain-words.js';

export { countOf, formatCount, formatDay };

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.125rem;margin-top:1.5rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
@media (max-width:32rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.5rem}}
.status{font-size:1.125rem;padding:.75rem 1rem;border-left:4px solid #0b5394;background:#eef3fa}
a{color:#0b5394}label{display:block;font-weight:600;margin-top:1rem}.hint{color:#4a4a4a;margin:.25rem 0}
input,select{font:inherit;padding:.5rem;width:100%;max-width:28rem;box-sizing:border-box;border:2px solid #595959;border-radius:4px}
input:focus,select:focus,button:focus,a:focus{outline:3px solid #b35900;outline-offset:2px}
button{font:inherit;margin-top:1.25rem;padding:.6rem 1.25rem;color:#fff;background:#0b5394;border:0;border-radius:4px;cursor:pointer}
.error{color:#a00000;font-weight:600}`;

/** Content-Security-Policy for the page: no scripts at all, only this page's own inline style. */
export const STATUS_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

/** How people reach the company; shown on every page. */
export interface ContactDetails {
  readonly email: string;
}

export const DEFAULT_CONTACT: ContactDetails = { email: 'privacy@example.com' };

const STATUS_WORDS: Record<RequestStatus, string> = {
  pending_verification: 'We are waiting for you to confirm the request from the link we sent you.',
  received: 'We have received your request and will start on it shortly.',
  queued: 'Your request is in line to be processed.',
  in_progress: 'We are deleting your data now.',
  // A finished request's headline comes from its outcome (see headline below).
  completed: 'Done.',
  completed_with_retention: 'Done.',
  failed: 'We hit a problem and are retrying automatically. You do not need to do anything.',
  canceled: 'This request was canceled.',
};

const CHANNEL_WORDS: Record<DeletionStatusView['channel'], string> = {
  facebook: 'Facebook (removing our app or asking for your data to be deleted)',
  instagram: 'Instagram (removing our app or asking for your data to be deleted)',
  whatsapp: 'WhatsApp message',
  web: 'Our website',
  email: 'Email to our support team',
  support: 'Our support team',
};

const SCOPE_WORDS: Record<DeletionStatusView['scope'], string> = {
  meta_platform_data:
    'Data we received through Facebook and Instagram: your connected pages, page roles and page details, publishing permissions and access tokens, Instagram posts and captions, insights, the profile details that came from Meta, and the link between your account and your Facebook or Instagram identity.',
  whatsapp_data:
    'Your WhatsApp conversations with us: message content, message details, delivery and read receipts, and your WhatsApp identifiers.',
  everything:
    'Everything we hold about you: your account and profile, data from Facebook, Instagram and WhatsApp, AI assistant conversations, support history, preferences, analytics identifiers and connected-app tokens.',
};

/** After the last automatic attempt: no more retries, a person has it. */
const WITH_OUR_TEAM_WORDS =
  'We could not finish this request automatically. A person on our team is looking at it. You do not need to do anything.';

/** The status line: for a finished request, what it did (scope, nothing held, what was kept and why). */
function headline(view: DeletionStatusView): string {
  if (view.status === 'completed' || view.status === 'completed_with_retention')
    return completionHeadline({
      scope: view.scope,
      noDataHeld: view.no_data_held === true,
      keptReasons: (view.kept ?? []).map((entry) => entry.reason_code),
    });
  if (view.status === 'failed' && view.with_our_team) return WITH_OUR_TEAM_WORDS;
  return STATUS_WORDS[view.status];
}

/** What comes next for a request our team has taken over: by when we answer. */
function withOurTeamNext(view: DeletionStatusView): string {
  return view.due_at
    ? `Next: we will finish it, or tell you here why we cannot, by ${formatDay(view.due_at)}.`
    : 'Next: we will finish it, or tell you here why we cannot, within one month of your request.';
}

const REASON_WORDS: Record<string, string> = {
  tax_and_accounting:
    'Invoices and payment records: tax and accounting law requires us to keep them. We removed your name, email address and postal address from them.',
  fraud_prevention:
    'Fraud-prevention records (for example chargebacks): kept for a limited time to protect you and us from fraud. We removed your name, email address, phone number and IP address from them.',
  legal_obligation: 'Records the law requires us to keep.',
};

/** What Meta and WhatsApp may still hold on their side: their data is theirs to delete. */
const PLATFORM_NOTE: Partial<Record<DeletionStatusView['scope'], string>> = {
  meta_platform_data:
    'Facebook and Instagram keep their own copy of your activity; to delete it, use the settings of Facebook or Instagram.',
  whatsapp_data:
    'WhatsApp keeps its own records of your chats on your phone and on its service; our deletion covers the copies we hold.',
  everything:
    'Facebook, Instagram and WhatsApp keep their own copies of your activity and chats on their side; to delete those, use the settings of Facebook, Instagram or WhatsApp. Our deletion covers the copies we hold.',
};

/** A platform a stage may serve, as the status page names it. */
export type ServedPlatform = 'facebook' | 'instagram' | 'whatsapp';
const EVERY_PLATFORM: readonly ServedPlatform[] = ['facebook', 'instagram', 'whatsapp'];
const PLATFORM_WORDS: Record<ServedPlatform, string> = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
};

function listed(names: readonly string[], joiner: 'and' | 'or'): string {
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${joiner} ${names.at(-1)}`;
}

/**
 * What the platforms may still hold, for a request that covered everything: only the platforms the stage
 * serves (a company without a WhatsApp number has no chats there to tell anyone about); none, no note.
 */
function platformNote(
  scope: DeletionStatusView['scope'],
  platforms: readonly ServedPlatform[],
): { heading: string; note: string } | undefined {
  const heading = `What ${listed(
    [
      ...(platforms.some((platform) => platform !== 'whatsapp') ? ['Meta'] : []),
      ...(platforms.includes('whatsapp') ? ['WhatsApp'] : []),
    ],
    'and',
  )} may still hold`;
  if (scope !== 'everything' || platforms.length === EVERY_PLATFORM.length) {
    const note = PLATFORM_NOTE[scope];
    return note
      ? { heading: scope === 'everything' ? heading : 'What Meta and WhatsApp may still hold', note }
      : undefined;
  }
  if (platforms.length === 0) return undefined;
  const names = platforms.map((platform) => PLATFORM_WORDS[platform]);
  const one = names.length === 1;
  return {
    heading,
    note: `${listed(names, 'and')} ${one ? 'keeps its own copies' : 'keep their own copies'} of your activity on ${one ? 'its' : 'their'} side; to delete those, use the settings of ${listed(names, 'or')}. Our deletion covers the copies we hold.`,
  };
}

/** The step the request is at, in plain words (what the person can expect next). */
const NEXT_WORDS: Partial<Record<RequestStatus, string>> = {
  pending_verification:
    'Open the link in the message we sent you and press the button on that page to confirm it is you. The link expires after 24 hours. Until then, nothing is deleted.',
  received: 'Next: we look for every record we hold about you and delete it.',
  queued: 'Next: we look for every record we hold about you and delete it.',
  in_progress: 'Next: when the deletion is done, this page shows what was deleted.',
  failed: 'Next: we try again automatically. If it keeps failing, a person on our team takes it over.',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function layout(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
}

/** What the receipt proves, in one sentence. */
export const RECEIPT_WORDS =
  'This receipt is signed with our published key, so you or anyone you show it to (an auditor, a regulator) can check that we deleted what it lists, and when, without having to trust our records; it contains no personal data.';

/**
 * The receipt as a download: a data: link (the page runs no script), named for what it is. A compact
 * JWS is base64url text joined by dots, so it needs no escaping inside the URL.
 */
function receiptSection(receipt: string): string {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(receipt)) return '';
  return `<h2>Your deletion receipt</h2>
<p>${escapeHtml(RECEIPT_WORDS)}</p>
<p><a href="data:${RECEIPT_MEDIA_TYPE},${receipt}" download="deletion-receipt.jws">Download your receipt</a></p>`;
}

const DEAUTHORIZE_WORDS =
  'This request started when you removed our app. Once access is revoked we stop using the data and delete it right away, as our privacy policy promises; a deletion request you send later is answered with this same request.';

export function contactSection(contact: ContactDetails): string {
  const email = escapeHtml(contact.email);
  return `<h2>Questions</h2>
<p>Write to our privacy team at <a href="mailto:${email}">${email}</a>. Include your confirmation code, never a password.</p>`;
}

/** `platforms`: those the stage serves; the page says nothing of what another platform may hold. */
export function renderStatusPage(
  view: DeletionStatusView,
  contact: ContactDetails = DEFAULT_CONTACT,
  platforms: readonly ServedPlatform[] = EVERY_PLATFORM,
): string {
  if (view.type !== 'deletion') return renderRightsStatusPage(view, contact);
  const open = !view.completed_at && view.status !== 'canceled';
  const rows: [string, string][] = [
    ['Confirmation code', view.confirmation_code],
    ['Asked through', CHANNEL_WORDS[view.channel]],
    ['Received', formatDay(view.received_at)],
    ['Last update', formatDay(view.updated_at)],
  ];
  if (view.due_at && open) rows.push(['We will finish by', formatDay(view.due_at)]);
  if (view.extension_reason && open) rows.push(['Why it takes longer', view.extension_reason]);
  if (view.cancel_reason) rows.push(['Why it was canceled', view.cancel_reason]);
  if (view.completed_at) rows.push(['Completed', formatDay(view.completed_at)]);
  // With nothing held the headline says so; a row of zeros would only contradict it.
  if (view.items_deleted !== undefined && !view.no_data_held)
    rows.push(['Records deleted', formatCount(view.items_deleted)]);
  if (view.items_anonymised)
    rows.push(['Records with personal details removed', formatCount(view.items_anonymised)]);
  const details = rows
    .map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('\n');
  const kept = (view.kept ?? [])
    .map((entry) => {
      const reason =
        REASON_WORDS[entry.reason_code] ??
        (keptBecause(entry.reason_code) === 'fraud'
          ? REASON_WORDS.fraud_prevention
          : REASON_WORDS.legal_obligation) ??
        '';
      const until = entry.until ? ` Kept until ${formatDay(entry.until)}, then deleted.` : '';
      return `<li>${escapeHtml(`${countOf(entry.records, 'record')}. ${reason}${until}`)}</li>`;
    })
    .join('\n');
  const next =
    view.status === 'failed' && view.with_our_team ? withOurTeamNext(view) : NEXT_WORDS[view.status];
  const notCovered = NOT_COVERED_WORDS[view.scope];
  const sections = [
    next ? `<p>${escapeHtml(next)}</p>` : '',
    `<h2>What this request covers</h2>\n<p>${escapeHtml(SCOPE_WORDS[view.scope])}</p>`,
    notCovered
      ? `<h2>What this request did not cover</h2>\n<p>${escapeHtml(notCovered)}</p>\n<p><a href="${DELETE_THE_REST_PATH}">Ask us to delete the rest too</a></p>`
      : '',
    view.started_by === 'deauthorize' ? `<p>${escapeHtml(DEAUTHORIZE_WORDS)}</p>` : '',
    erasedWhere(view),
    kept ? `<h2>What we keep, and why</h2>\n<ul>\n${kept}\n</ul>` : '',
    view.receipt ? receiptSection(view.receipt) : '',
    backupsNote(view) ? `<h2>Backups</h2>\n<p>${escapeHtml(backupsNote(view))}</p>` : '',
    platformSection(view.scope, platforms),
    contactSection(contact),
  ].filter(Boolean);
  return layout(
    'Your data deletion request',
    `<h1>Your data deletion request</h1>
<p class="status" role="status">${escapeHtml(headline(view))}</p>
<dl>
${details}
</dl>
${sections.join('\n')}`,
  );
}

/** The list of what was erased where, one line per store. */
function erasedWhere(view: DeletionStatusView): string {
  const lines = erasedWhereLines(view);
  if (lines.length === 0) return '';
  return `<h2>What was erased where</h2>\n<ul>\n${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('\n')}\n</ul>`;
}

function platformSection(scope: DeletionStatusView['scope'], platforms: readonly ServedPlatform[]): string {
  const section = platformNote(scope, platforms);
  return section ? `<h2>${escapeHtml(section.heading)}</h2>\n<p>${escapeHtml(section.note)}</p>` : '';
}

export function renderNotFoundPage(contact: ContactDetails = DEFAULT_CONTACT): string {
  return layout(
    'Deletion request not found',
    `<h1>Deletion request not found</h1>
<p>We could not find a deletion request for this link. Check that you copied the whole link, including the confirmation code.</p>
<p><a href="/delete-my-data">Ask us to delete your data</a></p>
${contactSection(contact)}`,
  );
}
