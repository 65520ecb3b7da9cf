/**
 * Contacts of the contact centre (issue "Contact centre intake"): a contact from a national
 * number (National Register), duplicate search, and linking a contact to a case.
 *
 *   POST /api/contacts/from-niss {niss, fields?}       201 created | 200 {existing: true} | 422 | 404
 *   GET  /api/contacts/duplicates?niss=&email=&phone=  contacts matching any of them
 *   POST /api/records/:id/link-contact {contactId}     sets the record's `contact` (event `update`)
 *
 * Every write goes through RecordsService (roles, validation, history). The register is read
 * through NationalRegisterPort; the demo adapter reads config.nationalRegisterCsv.
 */
import type express from 'express';
import type { Request } from 'express';
import { hasRecordPermission } from '../../engine/access';
import type { LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import { checkNiss, normaliseEmailAddress, normalisePhoneNumber, type NissProblem } from '../../engine/fields';
import { openDemoNationalRegister } from '../../adapters/registry-national-demo';
import type { NationalRegisterPerson, NationalRegisterPort } from '../ports/national-register.port';
import type { RecordView } from '../services/records.service';
import { actorOfRequest } from './app';
import { HttpError } from './http-errors';
import type { Mount, MountContext } from './mounts';
import { isRecord, bodyObject, bilingualError } from './request-helpers';
import { oncePerKey as oncePerKeyRunner } from '../services/once-per-key';

const CONTACT = 'contact';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

/** An error whose message is also given in every language (`details.messages`), for bilingual screens. */

const NISS_PROBLEMS: Record<NissProblem, LocalizedText> = {
  format: text(
    'Le numéro de registre national doit compter 11 chiffres (par exemple 85.07.30-033.28).',
    'Het rijksregisternummer moet 11 cijfers tellen (bijvoorbeeld 85.07.30-033.28).',
    'The national number must have 11 digits (for example 85.07.30-033.28).',
  ),
  date: text(
    'Le numéro de registre national ne commence pas par une date de naissance possible.',
    'Het rijksregisternummer begint niet met een mogelijke geboortedatum.',
    'The national number does not start with a possible birth date.',
  ),
  'check-digits': text(
    'Les chiffres de contrôle du numéro de registre national ne correspondent pas : vérifiez le numéro.',
    'De controlecijfers van het rijksregisternummer kloppen niet: controleer het nummer.',
    'The check digits of the national number do not match: check the number.',
  ),
};



/** The 11 digits of a national number, or a 422 saying what is wrong in French and Dutch. */
function nissDigits(value: unknown, parameter: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw bilingualError(422, 'invalid-niss', text('Indiquez un numéro de registre national.', 'Geef een rijksregisternummer op.', 'Give a national number.'), { parameter, problem: 'missing' });
  }
  const check = checkNiss(value.trim());
  if (!check.ok) throw bilingualError(422, 'invalid-niss', NISS_PROBLEMS[check.problem], { parameter, problem: check.problem });
  return check.niss.digits;
}

/** The contact fields given by the register (identity, address, language of the file). */
function contactFields(person: NationalRegisterPerson): Record<string, unknown> {
  const fields: Record<string, unknown> = { niss: person.niss, last_name: person.lastName };
  if (person.firstName) fields['first_name'] = person.firstName;
  if (person.birthDate) fields['birth_date'] = person.birthDate;
  if (person.address) fields['address'] = person.address;
  if (person.language) fields['preferred_language'] = person.language;
  return fields;
}

function requirePermission(ctx: MountContext, actor: Actor, recordType: string, permission: 'read' | 'create'): void {
  const { pack } = ctx.runtime.packs.active();
  if (!pack.records[recordType]) {
    throw new HttpError(404, 'not-found', text(`Le type d’enregistrement « ${recordType} » n’existe pas dans le pack publié.`, `Recordtype "${recordType}" bestaat niet in het gepubliceerde pakket.`, `Record type "${recordType}" is not in the published pack.`));
  }
  if (!hasRecordPermission(pack, actor.roles, recordType, permission)) {
    throw permission === 'read'
      ? new HttpError(403, 'forbidden', text('Votre rôle ne permet pas de consulter les fiches citoyens.', 'Uw rol laat niet toe burgerfiches te raadplegen.', 'Your role may not read contacts.'))
      : new HttpError(403, 'forbidden', text('Votre rôle ne permet pas de créer des fiches citoyens.', 'Uw rol laat niet toe burgerfiches aan te maken.', 'Your role may not create contacts.'));
  }
}

/** Every contact this actor may read whose fields satisfy `match` (the store filters on `fieldFilters`). */
function findContacts(ctx: MountContext, actor: Actor, fieldFilters: Record<string, string>, match: (fields: Record<string, unknown>) => boolean = () => true): RecordView[] {
  const out: RecordView[] = [];
  const page = 500;
  for (let offset = 0; ; offset += page) {
    const { items, total } = ctx.runtime.records.list(actor, { recordType: CONTACT, fieldFilters, sort: 'createdAt', direction: 'asc', limit: page, offset });
    for (const v of items) if (match(v.fields)) out.push(v);
    if (offset + page >= total || items.length === 0) return out;
  }
}

/** One creation at a time per national number (in this process): two clicks make one record. */
const oncePerKey = oncePerKeyRunner();

export interface ContactsRoutesOptions {
  /** The register to read; by default the demo adapter on config.nationalRegisterCsv. */
  register?: (ctx: MountContext) => NationalRegisterPort;
}

export function contactsRoutes(options: ContactsRoutesOptions = {}): Mount {
  return {
    api: (api: express.Router, ctx: MountContext) => {
      let register: NationalRegisterPort | null = null;
      const registerOf = (): NationalRegisterPort => (register ??= options.register?.(ctx) ?? openDemoNationalRegister(ctx.config.nationalRegisterCsv));

      api.post('/contacts/from-niss', async (req, res) => {
        const actor = actorOfRequest(req);
        const body = bodyObject(req);
        requirePermission(ctx, actor, CONTACT, 'create');
        const niss = nissDigits(body['niss'], 'niss');
        const extra = body['fields'] ?? {};
        if (!isRecord(extra)) throw new HttpError(400, 'malformed-body', text('« fields » doit être un objet.', '"fields" moet een object zijn.', '"fields" must be an object.'));

        const result = await oncePerKey(`niss:${niss}`, async (): Promise<{ existing: boolean; contact: RecordView }> => {
          const [found] = findContacts(ctx, actor, { niss });
          if (found) return { existing: true, contact: ctx.runtime.records.get(actor, found.id) };
          let person: NationalRegisterPerson | null;
          try {
            person = await registerOf().lookup(niss);
          } catch (e) {
            ctx.log('national register lookup failed', e);
            throw new HttpError(503, 'register-unavailable', text('Le Registre national ne répond pas. Réessayez plus tard.', 'Het Rijksregister antwoordt niet. Probeer later opnieuw.', 'The National Register does not answer. Try again later.'));
          }
          if (!person) {
            throw bilingualError(404, 'unknown-niss', text(
              `Le numéro ${niss} est valide mais inconnu du Registre national : vérifiez-le avec le citoyen ou créez la fiche à la main.`,
              `Het nummer ${niss} is geldig maar onbekend in het Rijksregister: controleer het met de burger of maak de fiche met de hand aan.`,
              `The number ${niss} is valid but unknown to the National Register: check it with the citizen or create the contact by hand.`,
            ), { niss });
          }
          // What the agent adds (e-mail, phone, preferences) completes the register's data, never overrides it.
          const contact = await ctx.runtime.records.create(actor, CONTACT, { ...extra, ...contactFields(person) }, { withEvents: true });
          return { existing: false, contact };
        });
        if (result.existing) res.status(200);
        else res.status(201).location(`/api/records/${result.contact.id}`);
        res.json(result);
      });

      api.get('/contacts/duplicates', (req, res) => {
        const actor = actorOfRequest(req);
        requirePermission(ctx, actor, CONTACT, 'read');
        const q = req.query;
        const param = (name: string): string | null => (typeof q[name] === 'string' && (q[name] as string).trim() !== '' ? (q[name] as string).trim() : null);
        const nissText = param('niss');
        const emailText = param('email');
        const phoneText = param('phone');
        if (!nissText && !emailText && !phoneText) {
          throw new HttpError(400, 'bad-parameter', text('Indiquez au moins un critère : niss, email ou phone.', 'Geef minstens één criterium op: niss, email of phone.', 'Give at least one of niss, email or phone.'));
        }
        const niss = nissText ? nissDigits(nissText, 'niss') : null;
        // Compared in lower case: the store keeps the local part as typed.
        const email = emailText ? (normaliseEmailAddress(emailText) ?? emailText).toLowerCase() : null;
        let phone: string | null = null;
        if (phoneText) {
          const p = normalisePhoneNumber(phoneText);
          if (!p.ok) throw bilingualError(422, 'invalid-phone', text(`« ${phoneText} » n’est pas un numéro de téléphone valable.`, `"${phoneText}" is geen geldig telefoonnummer.`, `"${phoneText}" is not a valid phone number.`), { parameter: 'phone', problem: p.problem });
          phone = p.e164;
        }

        const found = new Map<string, { view: RecordView; matchedOn: string[] }>();
        const add = (views: RecordView[], on: string): void => {
          for (const v of views) {
            const entry = found.get(v.id) ?? { view: v, matchedOn: [] };
            entry.matchedOn.push(on);
            found.set(v.id, entry);
          }
        };
        if (niss) add(findContacts(ctx, actor, { niss }), 'niss');
        if (phone) add(findContacts(ctx, actor, { phone }), 'phone');
        if (email) add(findContacts(ctx, actor, {}, (f) => typeof f['email'] === 'string' && f['email'].toLowerCase() === email), 'email');
        const items = [...found.values()].map(({ view, matchedOn }) => ({ ...view, matchedOn }));
        res.json({ total: items.length, items });
      });

      api.post('/records/:id/link-contact', async (req, res) => {
        const actor = actorOfRequest(req);
        const body = bodyObject(req);
        const contactId = body['contactId'];
        if (typeof contactId !== 'string' || !contactId.trim()) {
          throw new HttpError(400, 'malformed-body', text('Indiquez le « contactId » de la fiche citoyen.', 'Geef de "contactId" van de burgerfiche op.', 'Give the "contactId" of the contact.'));
        }
        const target = ctx.runtime.records.get(actor, String(req.params['id']));
        const { pack } = ctx.runtime.packs.active();
        const refField = pack.records[target.recordType]?.fields['contact'];
        if (!refField || refField.type !== 'reference' || refField.to !== CONTACT) {
          throw new HttpError(422, 'no-contact-field', text(
            `Un enregistrement « ${target.recordType} » ne se lie pas à une fiche citoyen.`,
            `Een record "${target.recordType}" kan niet aan een burgerfiche gekoppeld worden.`,
            `A "${target.recordType}" record has no contact to link.`,
          ));
        }
        const contact = ctx.runtime.records.get(actor, contactId.trim());
        if (contact.recordType !== CONTACT) {
          throw new HttpError(422, 'not-a-contact', text(`${contact.id} n’est pas une fiche citoyen.`, `${contact.id} is geen burgerfiche.`, `${contact.id} is not a contact.`));
        }
        const changes: Record<string, unknown> = { contact: contact.id };
        const preferred = contact.fields['preferred_language'];
        const languageField = pack.records[target.recordType]?.fields['language'];
        if (languageField && (target.fields['language'] === null || target.fields['language'] === undefined) && typeof preferred === 'string' && languageField.values?.[preferred]) {
          changes['language'] = preferred;
        }
        const expected = body['expectedVersion'];
        if (expected !== undefined && (typeof expected !== 'number' || !Number.isInteger(expected))) {
          throw new HttpError(400, 'bad-parameter', text('« expectedVersion » doit être un entier.', '"expectedVersion" moet een geheel getal zijn.', '"expectedVersion" must be an integer.'));
        }
        // Against the version just read: the language was empty in that version, not in a later one.
        const view = await ctx.runtime.records.send(actor, target.id, { type: 'update', data: { fields: changes }, expectedVersion: typeof expected === 'number' ? expected : target.version }, { withEvents: true });
        res.setHeader('ETag', `"${view.version}"`);
        res.json(view);
      });
    },
  };
}

/** Mounted in runtime/http/mounts.ts, with the demo register on NATIONAL_REGISTER_CSV. */
export const contactsMount: Mount = contactsRoutes();
