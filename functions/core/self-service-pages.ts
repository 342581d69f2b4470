// core: the self-service pages: the deletion part of the page for every right (see rights-pages.ts;
// the app's Data Deletion Instructions URL for Meta), the answers after a request is sent, and the
// verification errors. Plain HTML
// under the status page's CSP: no script, labelled fields, readable on a phone.
import type { Jurisdiction } from './due-date.js';
import type { RequestType } from './privacy-rights.js';
import type { IdentifierProblem } from './self-service-identifier.js';
import { contactSection, escapeHtml, layout, type ContactDetails } from './status-page.js';

export interface FormState {
  readonly identifier?: string;
  readonly error?: string;
  /** Kept selected after an error. */
  readonly jurisdiction?: Jurisdiction;
}

/**
 * The platform channels the stage serves, as the pages offer them: a channel the stage leaves out is never
 * offered or promised (no "send DELETE MY DATA on WhatsApp", no phone number field).
 */
export interface ChannelOffer {
  /** The Meta apps a person can delete from in their settings (Facebook, Instagram). */
  readonly metaPlatforms: readonly ('facebook' | 'instagram')[];
  /** WhatsApp: DELETE MY DATA, and phone numbers on the forms (their links go by WhatsApp). */
  readonly whatsapp: boolean;
}

export const EVERY_CHANNEL: ChannelOffer = { metaPlatforms: ['facebook', 'instagram'], whatsapp: true };

const PLATFORM_NAMES = { facebook: 'Facebook', instagram: 'Instagram' } as const;

/** "Facebook or Instagram", "Facebook", "Instagram" (or "" when the stage serves neither). */
export function metaPlatformWords(offer: ChannelOffer): string {
  return offer.metaPlatforms.map((platform) => PLATFORM_NAMES[platform]).join(' or ');
}

/** What a person types to be reached: an email address, and a phone number only where WhatsApp is served. */
export function identifierWords(offer: ChannelOffer): { readonly label: string; readonly noun: string } {
  return offer.whatsapp
    ? { label: 'Email address or phone number you used with us', noun: 'the email address or phone number' }
    : { label: 'Email address you used with us', noun: 'the email address' };
}

function ways(offer: ChannelOffer): string {
  const platforms = metaPlatformWords(offer);
  const teller = offer.metaPlatforms.includes('facebook') ? 'Facebook' : 'Instagram';
  return `<h3>Every way to ask</h3>
<ul>
${
  platforms
    ? `<li><strong>${platforms}:</strong> remove our app in your ${platforms} settings (Settings and privacy, then Apps and websites), and choose to send a deletion request. ${teller} tells us, and you get a confirmation code and a link to follow it.</li>\n`
    : ''
}${
    offer.whatsapp
      ? '<li><strong>WhatsApp:</strong> send us the message <strong>DELETE MY DATA</strong> from the phone number you used with us.</li>\n'
      : ''
  }<li><strong>Email:</strong> write to our privacy team from the address you used with us. We may ask you to confirm it is you.</li>
<li><strong>This form:</strong> below. We send a confirmation link to ${identifierWords(offer).noun} you give.</li>
</ul>`;
}

function whatHappens(offer: ChannelOffer): string {
  return `<h3>What happens next</h3>
<p>We send a link to the ${offer.whatsapp ? 'address or number' : 'address'} you give. Once you open it, we delete everything we hold about you, within one month at the latest, and show the progress on a status page. Invoices and fraud-prevention records are kept only as long as the law requires, without your name or contact details. We tell you when it is done.</p>`;
}

/** On the confirm page the link was already opened: what pressing the button starts, for whatever the request covers. */
const AFTER_CONFIRMING = `<h2>What happens next</h2>
<p>Once you confirm, we delete the data this request covers, within one month at the latest, and show the progress on a status page, with anything we must keep and why. We tell you when it is done.</p>`;

/** The deletion part of the page for every right: every way to ask, and the form. */
export function deletionSection(state: FormState, offer: ChannelOffer = EVERY_CHANNEL): string {
  const error = state.error
    ? `<p class="error" id="identifier-error" role="alert">${escapeHtml(state.error)}</p>`
    : '';
  const described = state.error ? 'identifier-hint identifier-error' : 'identifier-hint';
  const hint = offer.whatsapp
    ? 'For example name@example.com, or a phone number with its country code such as +1 555 000 0001.'
    : 'For example name@example.com.';
  return `<section id="delete" aria-labelledby="delete-title">
<h2 id="delete-title">Delete my data</h2>
<p>You can ask us to delete all the data we hold about you. This part explains every way to do it.</p>
${ways(offer)}
<h3>Ask here</h3>
<form method="post" action="deletion-requests">
<label for="identifier">${identifierWords(offer).label}</label>
<p class="hint" id="identifier-hint">${hint}</p>
${error}
<input id="identifier" name="identifier" type="text" autocomplete="email" required maxlength="254" aria-describedby="${described}"${state.error ? ' aria-invalid="true"' : ''} value="${escapeHtml(state.identifier ?? '')}">
<label for="jurisdiction">Where do you live?</label>
<select id="jurisdiction" name="jurisdiction">
<option value="gdpr"${state.jurisdiction === 'ccpa' ? '' : ' selected'}>EU, UK or elsewhere</option>
<option value="ccpa"${state.jurisdiction === 'ccpa' ? ' selected' : ''}>California</option>
</select>
<button type="submit">Send me a confirmation link</button>
</form>
${whatHappens(offer)}
</section>`;
}

const SENT_WORDS = {
  email:
    'If this address can receive email, a message with a confirmation link is on its way. Open the link within 24 hours to confirm the request. Nothing is deleted until you do.',
  whatsapp:
    'If this number uses WhatsApp, a message with a confirmation link is on its way. Open the link within 24 hours to confirm the request. Nothing is deleted until you do.',
} as const;

export const ANSWER_WORDS = {
  link_sent: SENT_WORDS,
  whatsapp_unavailable:
    'We cannot confirm a phone number yet: confirmation by WhatsApp is not available. Please give your email address instead, or send DELETE MY DATA to us on WhatsApp.',
  use_platform_settings:
    'We cannot confirm a Facebook or Instagram account from this form. Remove our app in your Facebook or Instagram settings and send the deletion request from there, or give your email address instead.',
  rate_limited: 'Too many requests. Please try again later, or write to our privacy team.',
  invalid_identifier: 'Enter the email address or phone number you used with us.',
  needs_email:
    'A phone number lets us reach the WhatsApp messages we hold for it, not an account. To correct your account or change what it allows, please give the email address of your account.',
} as const;

/** What is wrong with what was typed, and what to type instead. */
export const IDENTIFIER_PROBLEM_WORDS: Record<IdentifierProblem, string> = {
  missing: 'Enter the email address or phone number you used with us.',
  too_long:
    'That is longer than any email address or phone number (at most 254 characters). Check it and try again.',
  email_invalid:
    'This email address is not complete or has a typing error. Check it: it looks like name@example.com.',
  phone_needs_country_code:
    'Add your country code, starting with +, for example +1 555 000 0001 or +44 7700 900123. We only send to a number written in full, so the link cannot reach someone else.',
  phone_invalid:
    'This phone number is too short or too long. Write it in full with its country code, for example +1 555 000 0001.',
  unrecognised:
    'Enter an email address (name@example.com) or a phone number with its country code (+1 555 000 0001).',
};

/** On a stage without WhatsApp, any phone number or failed identifier is answered in email-only words. */
const EMAIL_ONLY_WORDS = {
  phone: 'We confirm requests by email. Please give the email address you used with us.',
  missing: 'Enter the email address you used with us.',
  too_long: 'That is longer than any email address (at most 254 characters). Check it and try again.',
  unrecognised: 'Enter an email address, such as name@example.com.',
} as const;

/** What is wrong with what was typed, in the words of what the stage offers. */
export function identifierProblemWords(problem: IdentifierProblem, offer: ChannelOffer): string {
  if (offer.whatsapp) return IDENTIFIER_PROBLEM_WORDS[problem];
  switch (problem) {
    case 'phone_needs_country_code':
    case 'phone_invalid':
      return EMAIL_ONLY_WORDS.phone;
    case 'email_invalid':
      return IDENTIFIER_PROBLEM_WORDS.email_invalid;
    default:
      return EMAIL_ONLY_WORDS[problem];
  }
}

/** A phone number where no phone verification is offered, and a social account name, in the offer's words. */
export function refusedIdentifierWords(
  outcome: 'whatsapp_unavailable' | 'use_platform_settings' | 'invalid_identifier',
  offer: ChannelOffer,
): string {
  if (outcome === 'whatsapp_unavailable')
    return offer.whatsapp ? ANSWER_WORDS.whatsapp_unavailable : EMAIL_ONLY_WORDS.phone;
  if (outcome === 'invalid_identifier')
    return offer.whatsapp ? ANSWER_WORDS.invalid_identifier : EMAIL_ONLY_WORDS.missing;
  const platforms = metaPlatformWords(offer);
  if (platforms === metaPlatformWords(EVERY_CHANNEL)) return ANSWER_WORDS.use_platform_settings;
  return platforms
    ? `We cannot confirm a ${platforms} account from this form. Remove our app in your ${platforms} settings and send the deletion request from there, or give your email address instead.`
    : 'We cannot confirm a social media account from this form. Please give your email address instead.';
}

/** The rate-limit answer, with the true time until the limit resets (what Retry-After says too). */
export function rateLimitedWords(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const hours = Math.ceil(retryAfterSeconds / 3600);
  const wait = minutes <= 1 ? 'a minute' : minutes < 90 ? `${minutes} minutes` : `${hours} hours`;
  return `Too many requests. Please try again in ${wait}, or write to our privacy team. If we already sent you a confirmation link, it still works.`;
}

export function renderLinkSentPage(
  via: 'email' | 'whatsapp',
  contact: ContactDetails,
  words: string = SENT_WORDS[via],
): string {
  return layout(
    'Check your messages',
    `<h1>Check your messages</h1>
<p class="status" role="status">${escapeHtml(words)}</p>
<p>If nothing arrives within a few minutes, check your spam folder, or <a href="delete-my-data">try again</a>.</p>
${contactSection(contact)}`,
  );
}

/**
 * Links and the form's action are relative (the form and the request route are siblings), so the pages work
 * under the API's stage path (`/<stage>/delete-my-data`) as well as at a custom domain's root. The message page
 * is served at two depths, so it takes the form's full URL.
 */
export function renderMessagePage(
  title: string,
  message: string,
  contact: ContactDetails,
  formUrl: string,
): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="status" role="status">${escapeHtml(message)}</p>
<p><a href="${escapeHtml(formUrl)}">Go to the request forms</a></p>
${contactSection(contact)}`,
  );
}

export const VERIFY_ERROR_WORDS = {
  unknown: 'This confirmation link is not valid. Check that you opened the whole link from the message.',
  expired: 'This confirmation link has expired. Please ask again: you will get a new link.',
  used: 'This request was already confirmed. If you do not have its status link, write to our privacy team.',
} as const;

/**
 * What the verification link opens: one button that confirms by POST. Opening the link changes
 * nothing, because mail scanners and link previews open links before the person does.
 */
/** The confirm page's words for each right (and for the new address of an email correction). */
const CONFIRM_WORDS: Readonly<
  Record<RequestType | 'new_address', { title: string; asked: string; button: string }>
> = {
  deletion: {
    title: 'Confirm your deletion request',
    asked:
      'You asked us to delete the data we hold about you. Press the button to confirm. Nothing is deleted until you do.',
    button: 'Confirm: delete my data',
  },
  access: {
    title: 'Confirm your request for a copy of your data',
    asked:
      'You asked us for a copy of the data we hold about you. Press the button to confirm. Nothing is deleted or changed.',
    button: 'Confirm: send me a copy',
  },
  correction: {
    title: 'Confirm your correction request',
    asked:
      'You asked us to correct the data we hold about you. Press the button to confirm. Nothing changes until you do.',
    button: 'Confirm: correct my data',
  },
  withdraw_consent: {
    title: 'Confirm your request to stop a use of your data',
    asked:
      'You asked us to stop one use of your data. Press the button to confirm. Nothing changes until you do.',
    button: 'Confirm: stop that use',
  },
  new_address: {
    title: 'Confirm your new email address',
    asked:
      'This address was given as the new email address of an account. Press the button to confirm that it is yours. The account changes only when you do.',
    button: 'Confirm: this is my address',
  },
};

export function renderConfirmPage(
  token: string,
  contact: ContactDetails,
  confirms: RequestType | 'new_address' = 'deletion',
): string {
  const words = CONFIRM_WORDS[confirms];
  return layout(
    words.title,
    `<h1>${escapeHtml(words.title)}</h1>
<p>${escapeHtml(words.asked)}</p>
<form method="post" action="verify">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">${escapeHtml(words.button)}</button>
</form>
<p>If you did not ask for this, close this page: nothing will happen.</p>
${confirms === 'deletion' ? AFTER_CONFIRMING : ''}
${contactSection(contact)}`,
  );
}

/** A link that was already used: never a dead end, always the way to the request's status. */
export function renderAlreadyConfirmedPage(statusLink: string | undefined, contact: ContactDetails): string {
  const follow = statusLink
    ? `<p><a href="${escapeHtml(statusLink)}">See where your request stands</a></p>`
    : '<p><a href="/delete-my-data">Go to the deletion request form</a></p>';
  return layout(
    'Already confirmed',
    `<h1>Already confirmed</h1>
<p class="status" role="status">${escapeHtml(
      statusLink
        ? 'This request was already confirmed. There is nothing more to do: follow it on its status page.'
        : VERIFY_ERROR_WORDS.used,
    )}</p>
${follow}
${contactSection(contact)}`,
  );
}
