// core: what an inbound WhatsApp message asks for. A deletion request ("DELETE MY DATA" and its
// variants, in English, Arabic, French, Spanish, German and Portuguese, or the id of the button we
// send for it), an opt-out ("STOP"), a question about deletion (answered with instructions), or
// nothing we act on. A message that only mentions deletion is not a request.

export type WhatsAppCommand = 'delete' | 'opt_out' | 'deletion_question' | 'none';

/** Ids of our own quick-reply / interactive buttons and template quick-reply payloads. */
export const DELETE_REPLY_ID = 'DELETE_MY_DATA';
export const OPT_OUT_REPLY_ID = 'STOP';

/** Lower case, accents and punctuation removed, whitespace collapsed; Arabic letters normalised. */
export function normaliseCommandText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // combining marks: accents, Arabic harakat
    .toLowerCase()
    .replace(/[إأآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .replace(/ـ/g, '') // tatweel
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const POLITE =
  '(?: (?:please|pls|plz|now|thanks|thank you|thx|por favor|gracias|s il vous plait|s il te plait|svp|merci|bitte|danke|obrigado|obrigada|من فضلك|لو سمحت|شكرا))*';

/** Whole-message patterns, after normalisation. */
const DELETE_PATTERNS: readonly RegExp[] = [
  // English
  /^(?:please )?(?:delete|erase|remove) (?:all )?(?:of )?my (?:personal )?(?:data|information|info)$/,
  // French
  /^(?:s il vous plait |svp )?(?:supprimez|supprimer|effacez|effacer|supprime|efface) (?:toutes )?(?:mes|mes donnees|les donnees)(?: donnees)?(?: personnelles)?$/,
  // Spanish
  /^(?:por favor )?(?:borrar|borra|borren|borre|eliminar|elimina|eliminen|elimine) (?:todos )?(?:mis datos|mis datos personales)$/,
  // German
  /^(?:bitte )?(?:losche|loschen|loescht|loscht|losch) (?:alle )?meine (?:personlichen )?daten$/,
  /^meine daten loschen$/,
  // Portuguese
  /^(?:por favor )?(?:apagar|apague|apaga|excluir|exclua|deletar|delete) (?:todos )?(?:os )?meus dados$/,
  // Arabic: "delete my data" (احذف بياناتي / حذف بياناتي / امسح بياناتي)
  /^(?:من فضلك )?(?:احذف|احذفوا|حذف|امسح|امسحوا|مسح) (?:جميع |كل )?بياناتي$/,
];

const STOP_PATTERNS: readonly RegExp[] = [
  /^(?:stop|unsubscribe|stop all|opt out|optout|cancel)$/,
  /^(?:arret|arreter|stop|desabonner|desinscription)$/,
  /^(?:alto|parar|baja|cancelar suscripcion|darme de baja)$/,
  /^(?:توقف|الغاء الاشتراك|ايقاف)$/,
];

/** Words that make a message about deletion: it gets instructions, not action. */
const DELETION_TOPIC =
  /\b(?:delete|deletion|erase|remove|supprimer|suppression|effacer|borrar|eliminar|loschen|apagar|excluir)\b|حذف|احذف|امسح/;
const PERSONAL_DATA_TOPIC =
  /\b(?:data|information|info|donnees|datos|daten|dados|account|compte|cuenta)\b|بيانات|بياناتي/;

function stripPoliteness(text: string): string {
  const polite = new RegExp(`^(.*?)${POLITE}$`, 'u');
  const tail = polite.exec(text)?.[1] ?? text;
  return tail.replace(/^(?:hi|hello|hey|bonjour|hola|hallo|ola|مرحبا) /, '').trim();
}

export function detectCommand(input: { readonly text?: string; readonly replyId?: string }): WhatsAppCommand {
  if (input.replyId === DELETE_REPLY_ID) return 'delete';
  if (input.replyId === OPT_OUT_REPLY_ID) return 'opt_out';
  if (input.text === undefined) return 'none';
  // Emoji and symbols around the words are ignored (punctuation is removed by normalisation).
  const text = stripPoliteness(normaliseCommandText(input.text));
  if (text === '') return 'none';
  if (DELETE_PATTERNS.some((pattern) => pattern.test(text))) return 'delete';
  if (STOP_PATTERNS.some((pattern) => pattern.test(text))) return 'opt_out';
  if (DELETION_TOPIC.test(text) && PERSONAL_DATA_TOPIC.test(text)) return 'deletion_question';
  return 'none';
}
