// core: the page for every right (GET /delete-my-data and /privacy): the person picks what they want
// (delete, a copy, a correction, stop one use of their data) and asks with the same identifier and
// verification. Plain HTML under the status page's CSP: no script, labelled fields, readable on a phone.
// Each form's submit button carries the request's `type` (a button, not a hidden field: every field
// a person meets has a label, and pressing Enter submits through the same button).
import type { RequestType } from './privacy-rights.js';
import { EVERY_CHANNEL, deletionSection, type ChannelOffer, type FormState } from './self-service-pages.js';
import { contactSection, escapeHtml, layout, type ContactDetails } from './status-page.js';

/** What one form shows again after a refused submission: its values and the error. */
export interface RightsFormState extends FormState {
  readonly attribute?: string;
  readonly value?: string;
  readonly activity?: string;
}

export type RightsPageState = Partial<Record<RequestType, RightsFormState>>;

/** The correctable attributes as people read them (the data map decides which exist). */
export const ATTRIBUTE_WORDS: Readonly<Record<string, string>> = {
  name: 'Your name',
  email: 'Your email address',
  company: 'Your company name',
};

/** The processing activities a person can stop, as people read them. */
export const ACTIVITY_WORDS: Readonly<Record<string, { label: string; effect: string }>> = {
  analytics: {
    label: 'Analytics',
    effect:
      'We delete the analytics identifiers (device and cookie ids) linked to your account and stop collecting new ones.',
  },
  marketing_messages: {
    label: 'Marketing and template messages on WhatsApp',
    effect: 'We stop sending you marketing and template messages on WhatsApp.',
  },
  ai_transcripts: {
    label: 'Keeping your conversations with our AI assistant',
    effect:
      'We delete the transcripts of your conversations with our AI assistant and stop keeping new ones.',
  },
};

/** What each form asks for where the stage serves no WhatsApp: an email address only. */
const EMAIL_ONLY_IDENTIFIER_WORDS = {
  copy: {
    label: 'Email address you used with us',
    hint: 'We send a confirmation link to it. Nothing happens until you open the link.',
  },
  correct: {
    label: 'Email address of your account',
    hint: 'We send a confirmation link to it. Nothing changes until you open the link.',
  },
  stop: {
    label: 'Email address of your account',
    hint: 'We send a confirmation link to it. Nothing happens until you open the link.',
  },
} as const;

/** What each form asks for: a phone number reaches only the WhatsApp data held for it. */
const IDENTIFIER_WORDS = {
  copy: {
    label: 'Email address or phone number you used with us',
    hint: 'We send a confirmation link to it. Nothing happens until you open the link. A phone number gets a copy of the WhatsApp data we hold for it; for everything else, give your email address.',
  },
  correct: {
    label: 'Email address of your account',
    hint: 'We send a confirmation link to it. Nothing changes until you open the link.',
  },
  stop: {
    label: 'Email address or phone number you used with us',
    hint: 'We send a confirmation link to it. Nothing happens until you open the link. A phone number can stop WhatsApp messages only; for analytics or AI assistant transcripts, give the email address of your account.',
  },
} as const;

function identifierFields(
  prefix: keyof typeof IDENTIFIER_WORDS,
  state: RightsFormState | undefined,
  offer: ChannelOffer,
): string {
  const words = (offer.whatsapp ? IDENTIFIER_WORDS : EMAIL_ONLY_IDENTIFIER_WORDS)[prefix];
  const error = state?.error
    ? `<p class="error" id="${prefix}-error" role="alert">${escapeHtml(state.error)}</p>`
    : '';
  const described = state?.error ? `${prefix}-hint ${prefix}-error` : `${prefix}-hint`;
  return `<label for="${prefix}-identifier">${words.label}</label>
<p class="hint" id="${prefix}-hint">${words.hint}</p>
${error}
<input id="${prefix}-identifier" name="identifier" type="text" autocomplete="email" required maxlength="254" aria-describedby="${described}"${state?.error ? ' aria-invalid="true"' : ''} value="${escapeHtml(state?.identifier ?? '')}">
<label for="${prefix}-jurisdiction">Where do you live?</label>
<select id="${prefix}-jurisdiction" name="jurisdiction">
<option value="gdpr">European Union, United Kingdom or elsewhere</option>
<option value="ccpa">California</option>
</select>`;
}

function options(words: Readonly<Record<string, string>>, selected: string | undefined): string {
  return Object.entries(words)
    .map(
      ([value, label]) =>
        `<option value="${escapeHtml(value)}"${value === selected ? ' selected' : ''}>${escapeHtml(label)}</option>`,
    )
    .join('\n');
}

function accessSection(state: RightsFormState | undefined, offer: ChannelOffer): string {
  return `<section id="copy" aria-labelledby="copy-title">
<h2 id="copy-title">Get a copy of my data</h2>
<p>We send you a link to a copy of everything we hold about you: for each kind of data, what it is, where it came from, why we keep it and for how long. You get it as a page to read and as a file for other programs. The link works for 7 days, only together with your confirmation code, and then the copy is deleted. Nothing else is deleted or changed.</p>
<form method="post" action="privacy-requests">
${identifierFields('copy', state, offer)}
<button type="submit" name="type" value="access">Send me a confirmation link</button>
</form>
</section>`;
}

function correctionSection(state: RightsFormState | undefined, offer: ChannelOffer): string {
  const platforms = [
    ...offer.metaPlatforms.map((platform) => (platform === 'facebook' ? 'Facebook' : 'Instagram')),
    ...(offer.whatsapp ? ['WhatsApp'] : []),
  ];
  const fromPlatforms =
    platforms.length === 0
      ? ''
      : ` Details that came from ${platforms.length === 1 ? platforms[0] : `${platforms.slice(0, -1).join(', ')} or ${platforms.at(-1)}`} can only be changed there.`;
  return `<section id="correct" aria-labelledby="correct-title">
<h2 id="correct-title">Correct my data</h2>
<p>Tell us what is wrong and what it should be. We change exactly that and tell you what changed. A new email address is confirmed too: we send a second link to it.${fromPlatforms}</p>
<form method="post" action="privacy-requests">
${identifierFields('correct', state, offer)}
<label for="correct-attribute">What should we correct?</label>
<select id="correct-attribute" name="attribute">
${options(ATTRIBUTE_WORDS, state?.attribute)}
</select>
<label for="correct-value">What it should be</label>
<input id="correct-value" name="value" type="text" required maxlength="200" value="${escapeHtml(state?.value ?? '')}">
<button type="submit" name="type" value="correction">Send me a confirmation link</button>
</form>
</section>`;
}

function withdrawSection(state: RightsFormState | undefined, offer: ChannelOffer): string {
  // WhatsApp messages are stopped only where the stage sends any.
  const offered = Object.entries(ACTIVITY_WORDS).filter(
    ([key]) => offer.whatsapp || key !== 'marketing_messages',
  );
  const effects = offered
    .map(([, words]) => `<li><strong>${escapeHtml(words.label)}:</strong> ${escapeHtml(words.effect)}</li>`)
    .join('\n');
  const labels = Object.fromEntries(offered.map(([key, words]) => [key, words.label]));
  return `<section id="stop" aria-labelledby="stop-title">
<h2 id="stop-title">Stop a use of my data</h2>
<p>You can withdraw your consent to one use of your data without deleting everything:</p>
<ul>
${effects}
</ul>
<form method="post" action="privacy-requests">
${identifierFields('stop', state, offer)}
<label for="stop-activity">What should we stop?</label>
<select id="stop-activity" name="activity">
${options(labels, state?.activity)}
</select>
<button type="submit" name="type" value="withdraw_consent">Send me a confirmation link</button>
</form>
</section>`;
}

/** `offer`: the platform channels the stage serves; a left-out one is neither offered nor promised. */
export function renderRightsPage(
  state: RightsPageState,
  contact: ContactDetails,
  offer: ChannelOffer = EVERY_CHANNEL,
): string {
  return layout(
    'Your data and your rights',
    `<h1>Your data and your rights</h1>
<p>Choose what you want us to do with the data we hold about you. Every request is confirmed through a link we send to your email address${offer.whatsapp ? ' or WhatsApp number' : ''}, and answered within one month (45 days in California). Each request gets a status page.</p>
<ul>
<li><a href="#delete">Delete my data</a></li>
<li><a href="#copy">Get a copy of my data</a></li>
<li><a href="#correct">Correct my data</a></li>
<li><a href="#stop">Stop a use of my data</a> (analytics, ${offer.whatsapp ? 'marketing messages, ' : ''}AI assistant transcripts)</li>
</ul>
${deletionSection(state.deletion ?? {}, offer)}
${accessSection(state.access, offer)}
${correctionSection(state.correction, offer)}
${withdrawSection(state.withdraw_consent, offer)}
${contactSection(contact)}`,
  );
}

/** The page for every right, with the deletion form showing `state` (the path Meta links to). */
export function renderRequestForm(
  state: FormState,
  contact: ContactDetails,
  offer: ChannelOffer = EVERY_CHANNEL,
): string {
  return renderRightsPage({ deletion: state }, contact, offer);
}
