/**
 * How to answer a case: in which language, through which channel, to which address.
 *
 * The reply code (the agents' email helper, automatic answers) reads the case's linked
 * contact first: `contact.preferred_language` and `contact.preferred_channel` win over what
 * the case itself says (its `language`, the `channel` it came through, `from_email`,
 * `from_phone`). A preferred channel without an address to use (no e-mail on file…) falls back
 * to the case's own channel. Without any language the commune answers in French.
 *
 * @example
 *   const { language, channel, address } = replyPreferences(store, store.getInstance(caseId)!);
 *   if (channel === 'email' && address) sendMail({ to: address, ...renderTemplate(tpl, language) });
 */
import type { Address } from '../../engine/fields';
import type { InstanceRow, RecordStore } from '../ports/record-store.port';

export type ReplyLanguage = 'fr' | 'nl';
/** A contact's preferred channels, plus chat (answered in the conversation). */
export type ReplyChannel = 'email' | 'phone' | 'post' | 'web' | 'facebook' | 'chat';

export interface ReplyPreferences {
  language: ReplyLanguage;
  channel: ReplyChannel;
  /**
   * Where to send: an e-mail address, an E.164 phone number, a postal address on one line;
   * null for channels answered in their own conversation (Facebook, chat, the online desk)
   * or when nothing is known.
   */
  address: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function isAddress(v: unknown): v is Address {
  return typeof v === 'object' && v !== null && typeof (v as Address).street === 'string' && typeof (v as Address).city === 'string';
}

/** "Rue X 12 bte 3, 1000 Bruxelles" (with the country when not Belgium). */
export function formatPostalAddress(a: Address): string {
  const box = a.box ? ` bte/bus ${a.box}` : '';
  const country = a.country && a.country !== 'BE' ? `, ${a.country}` : '';
  return `${a.street} ${a.number}${box}, ${a.postalCode} ${a.city}${country}`;
}

/** The contact linked to a case (its `contact` field), or null. */
export function linkedContact(store: Pick<RecordStore, 'getInstance'>, caseRow: InstanceRow): InstanceRow | null {
  const id = str(caseRow.snapshot.context.fields['contact']);
  if (!id) return null;
  const contact = store.getInstance(id);
  return contact && contact.recordType === 'contact' ? contact : null;
}

export function replyPreferences(store: Pick<RecordStore, 'getInstance'>, caseRow: InstanceRow): ReplyPreferences {
  const c = caseRow.snapshot.context.fields;
  const contact = linkedContact(store, caseRow)?.snapshot.context.fields ?? {};

  const lang = contact['preferred_language'] ?? c['language'];
  const language: ReplyLanguage = lang === 'nl' ? 'nl' : 'fr';

  const email = str(contact['email']) ?? str(c['from_email']);
  const phone = str(contact['phone']) ?? str(c['from_phone']);
  const post = isAddress(contact['address']) ? formatPostalAddress(contact['address']) : null;

  // The contact's preferred channel, when there is an address to use it.
  switch (contact['preferred_channel']) {
    case 'email':
      if (email) return { language, channel: 'email', address: email };
      break;
    case 'phone':
      if (phone) return { language, channel: 'phone', address: phone };
      break;
    case 'post':
      if (post) return { language, channel: 'post', address: post };
      break;
    case 'web':
      return { language, channel: 'web', address: null };
    case 'facebook':
      return { language, channel: 'facebook', address: null };
    default:
      break;
  }

  // Otherwise the way the citizen came in.
  switch (c['channel']) {
    case 'facebook':
      return { language, channel: 'facebook', address: null };
    case 'chat':
      return { language, channel: 'chat', address: null };
    case 'phone':
    case 'visit':
      // A call or a visit is answered in writing when an e-mail is known.
      if (email) return { language, channel: 'email', address: email };
      if (phone) return { language, channel: 'phone', address: phone };
      break;
    default:
      break;
  }
  if (email) return { language, channel: 'email', address: email };
  if (phone) return { language, channel: 'phone', address: phone };
  if (post) return { language, channel: 'post', address: post };
  return { language, channel: 'email', address: null };
}
