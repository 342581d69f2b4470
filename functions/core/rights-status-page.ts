// core: the status page of a request for another right (access, correction, withdrawing consent), in
// the same plain words and layout as a deletion's. Nothing that identifies the person, and never the
// value of a correction.
import type { DeletionStatusView, RequestStatus } from './deletion-request.js';
import { ACTIVITY_WORDS, ATTRIBUTE_WORDS } from './rights-pages.js';
import { contactSection, escapeHtml, formatDay, layout, type ContactDetails } from './status-page.js';

type RightsType = Exclude<DeletionStatusView['type'], 'deletion'>;

const TITLES: Record<RightsType, string> = {
  access: 'Your request for a copy of your data',
  correction: 'Your correction request',
  withdraw_consent: 'Your request to stop a use of your data',
};

const WORKING: Record<RightsType, string> = {
  access: 'We are putting together a copy of your data now.',
  correction: 'We are making the correction now.',
  withdraw_consent: 'We are stopping that use of your data now.',
};

const DONE: Record<RightsType, string> = {
  access:
    'Done. Your copy is ready: open it below (an email with the same link went to the email address we hold). Nothing was deleted or changed.',
  correction: 'Done. We made the correction you asked for. Nothing else was changed.',
  withdraw_consent: 'Done. We stopped that use of your data and recorded your choice.',
};

function statusWords(type: RightsType, status: RequestStatus, view: DeletionStatusView): string {
  switch (status) {
    case 'pending_verification':
      return view.awaiting_new_address
        ? 'We are waiting for you to confirm your new email address from the link we sent to it.'
        : 'We are waiting for you to confirm the request from the link we sent you.';
    case 'received':
      return 'We have received your request and will start on it shortly.';
    case 'queued':
      return 'Your request is in line to be processed.';
    case 'in_progress':
      return WORKING[type];
    case 'failed':
      return 'We hit a problem and are retrying automatically. You do not need to do anything.';
    case 'canceled':
      return 'This request was canceled.';
    default:
      return DONE[type];
  }
}

function whatItCovers(view: DeletionStatusView, type: RightsType): string {
  if (type === 'access')
    return view.scope === 'whatsapp_data'
      ? 'A copy of the WhatsApp data we hold for this phone number (a phone number does not reach an account): for each kind of data, what it is, where it came from, why we keep it and for how long.'
      : 'A copy of everything we hold about you, from every place we keep it: for each kind of data, what it is, where it came from, why we keep it and for how long.';
  if (type === 'correction')
    return `${ATTRIBUTE_WORDS[view.attribute ?? ''] ?? 'One detail of your account'}, changed to the value you gave us. We never show the value here.`;
  const activity = ACTIVITY_WORDS[view.activity ?? ''];
  return activity ? `${activity.label}. ${activity.effect}` : 'One use of your data.';
}

export function renderRightsStatusPage(view: DeletionStatusView, contact: ContactDetails): string {
  const type = view.type as RightsType;
  const open = !view.completed_at && view.status !== 'canceled';
  const rows: [string, string][] = [
    ['Confirmation code', view.confirmation_code],
    ['Received', formatDay(view.received_at)],
    ['Last update', formatDay(view.updated_at)],
  ];
  if (view.due_at && open) rows.push(['We will finish by', formatDay(view.due_at)]);
  if (view.extension_reason && open) rows.push(['Why it takes longer', view.extension_reason]);
  if (view.cancel_reason) rows.push(['Why it was canceled', view.cancel_reason]);
  if (view.completed_at) rows.push(['Completed', formatDay(view.completed_at)]);
  if (type === 'withdraw_consent' && view.items_deleted !== undefined)
    rows.push(['Records deleted', String(view.items_deleted)]);
  if (type === 'withdraw_consent' && view.preference_recorded !== undefined)
    rows.push(['Your choice recorded', view.preference_recorded ? 'Yes' : 'We hold no account for you']);
  if (type === 'correction' && view.records_corrected !== undefined)
    rows.push(['Records corrected', String(view.records_corrected)]);
  if (type === 'access' && view.export_expires_at && view.status !== 'canceled')
    rows.push(['Your copy can be downloaded until', formatDay(view.export_expires_at)]);
  // The copy opens with this page's code, like the emailed link (relative: any base path works).
  const copyLinks =
    type === 'access' && view.completed_at && view.export_expires_at && view.status !== 'canceled'
      ? `<p><a href="privacy-export?code=${encodeURIComponent(view.confirmation_code)}">Open your copy</a> · <a href="privacy-export?code=${encodeURIComponent(view.confirmation_code)}&amp;format=json" download="my-data.json">Download it as a file (JSON)</a></p>`
      : '';
  const details = rows
    .map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('\n');
  return layout(
    TITLES[type],
    `<h1>${escapeHtml(TITLES[type])}</h1>
<p class="status" role="status">${escapeHtml(statusWords(type, view.status, view))}</p>
<dl>
${details}
</dl>
${copyLinks}
<h2>What this request covers</h2>
<p>${escapeHtml(whatItCovers(view, type))}</p>
${contactSection(contact)}`,
  );
}
