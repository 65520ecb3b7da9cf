/**
 * KBO/BCE Open Data lookup (census issue, TR-1..5 and TR-39): import of the public extract,
 * search, and businesses / census dossiers prefilled from it.
 *
 *   POST /api/admin/kbo/import {dir, mode: 'full'|'update'}   admin; counts per file
 *   GET  /api/kbo/search?q=                                  up to 20 enterprises (name or number)
 *   GET  /api/kbo/:number                                    one enterprise | 404 | 422
 *   POST /api/kbo/:number/business                           201 created | 200 {existing: true}
 *   POST /api/records/:id/prefill-from-kbo {number}          the dossier's company fields (event `update`)
 *
 * The lookup is its own SQLite file (DATA_DIR/kbo.sqlite, adapters/registry-kbo); every record
 * write goes through RecordsService (roles, validation, history).
 */
import type express from 'express';
import type { Request } from 'express';
import { resolve } from 'node:path';
import { isAdmin } from '../../engine/access';
import type { LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import { checkEnterpriseNumber, type EnterpriseNumberProblem } from '../../engine/fields';
import { KboImportError, openKboStore, type KboAddress, type KboEnterprise, type KboStore } from '../../adapters/registry-kbo';
import type { RecordView } from '../services/records.service';
import { actorOfRequest } from './app';
import { HttpError, requestLanguage } from './http-errors';
import type { Mount, MountContext } from './mounts';
import { isRecord, bodyObject, bilingualError } from './request-helpers';
import { oncePerKey as oncePerKeyRunner } from '../services/once-per-key';

const BUSINESS = 'business';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });


const NUMBER_PROBLEMS: Record<EnterpriseNumberProblem | 'missing', LocalizedText> = {
  missing: text('Indiquez un numéro d’entreprise (BCE).', 'Geef een ondernemingsnummer (KBO) op.', 'Give an enterprise number.'),
  format: text(
    'Le numéro d’entreprise doit compter 10 chiffres (par exemple 0201.310.929).',
    'Het ondernemingsnummer moet 10 cijfers tellen (bijvoorbeeld 0201.310.929).',
    'The enterprise number must have 10 digits (for example 0201.310.929).',
  ),
  'first-digit': text(
    'Un numéro d’entreprise commence par 0 ou 1 (un numéro commençant par 2 à 8 est une unité d’établissement).',
    'Een ondernemingsnummer begint met 0 of 1 (een nummer dat met 2 tot 8 begint, is een vestigingseenheid).',
    'An enterprise number starts with 0 or 1 (2 to 8 is an establishment unit).',
  ),
  'check-digits': text(
    'Les chiffres de contrôle du numéro d’entreprise ne correspondent pas : vérifiez le numéro.',
    'De controlecijfers van het ondernemingsnummer kloppen niet: controleer het nummer.',
    'The check digits of the enterprise number do not match: check the number.',
  ),
};



/** The enterprise number in its official form, or a 422 in French and Dutch. */
function enterpriseNumber(value: unknown, parameter: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw bilingualError(422, 'invalid-enterprise-number', NUMBER_PROBLEMS.missing, { parameter, problem: 'missing' });
  const check = checkEnterpriseNumber(value.trim());
  if (!check.ok) throw bilingualError(422, 'invalid-enterprise-number', NUMBER_PROBLEMS[check.problem], { parameter, problem: check.problem });
  return check.formatted;
}

function requireAdmin(ctx: MountContext, req: Request): Actor {
  const actor = actorOfRequest(req);
  if (!isAdmin(ctx.runtime.packs.active().pack, actor.roles)) throw new HttpError(403, 'forbidden', text('Réservé aux administrateurs.', 'Alleen voor beheerders.', 'Administrators only.'));
  return actor;
}

/** Reading the lookup is for whoever works on businesses or census dossiers. */
function requireReader(ctx: MountContext, req: Request): Actor {
  const actor = actorOfRequest(req);
  const { pack } = ctx.runtime.packs.active();
  if (isAdmin(pack, actor.roles)) return actor;
  const readable = actor.roles.some((r) => {
    const records = pack.roles[r]?.records ?? {};
    return (records[BUSINESS] ?? []).includes('read') || (records['dossier'] ?? []).includes('read');
  });
  if (!readable) throw new HttpError(403, 'forbidden', text('Votre rôle ne permet pas de consulter la BCE.', 'Uw rol laat niet toe de KBO te raadplegen.', 'Your role may not read the KBO lookup.'));
  return actor;
}

function withStore<T>(ctx: MountContext, fn: (store: KboStore) => T): T {
  const store = openKboStore(ctx.config.dataDir);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function lookup(ctx: MountContext, number: string): KboEnterprise {
  const e = withStore(ctx, (s) => s.get(number));
  if (!e) {
    throw bilingualError(404, 'unknown-enterprise', text(
      `Le numéro ${number} est valide mais absent de la BCE importée (extrait Open Data) : vérifiez-le ou importez un extrait plus récent.`,
      `Het nummer ${number} is geldig maar staat niet in de geïmporteerde KBO (Open Data-uittreksel): controleer het of importeer een recenter uittreksel.`,
      `The number ${number} is valid but not in the imported KBO extract: check it or import a more recent extract.`,
    ), { number });
  }
  return e;
}

type Lang = 'fr' | 'nl';

function complete(a: KboAddress): boolean {
  return a.street !== '' && a.number !== '' && a.postalCode !== '' && a.city !== '';
}

function addressText(a: KboAddress): string {
  return `${a.street} ${a.number}${a.box ? ` bte ${a.box}` : ''}, ${a.postalCode} ${a.city}`;
}

/** The fields a business or a dossier takes from the KBO, in the record's language. */
function kboFields(e: KboEnterprise, lang: Lang): Record<string, unknown> {
  const address = e.address?.[lang];
  return {
    enterprise_number: e.number,
    vat_number: `BE${e.digits}`,
    name: e.name[lang],
    legal_form: e.legalForm ? e.legalForm[lang] : null,
    registered_office: address && complete(address) ? address : null,
    establishments: e.establishments.map((s) => (s.address ? `${s.number} – ${addressText(s.address[lang])}` : s.number)),
    status: e.statusLabel ? e.statusLabel[lang] : e.status,
  };
}

/** One creation at a time per enterprise number (in this process): two clicks make one record. */
const oncePerKey = oncePerKeyRunner();

/** The business of this enterprise number, created from the KBO when there is none yet. */
async function businessOf(ctx: MountContext, actor: Actor, e: KboEnterprise, lang: Lang): Promise<{ existing: boolean; business: RecordView }> {
  return oncePerKey(`kbo:${e.digits}`, async () => {
    const { items } = ctx.runtime.records.list(actor, { recordType: BUSINESS, fieldFilters: { enterprise_number: e.number }, sort: 'createdAt', direction: 'asc', limit: 1, offset: 0 });
    const found = items[0];
    if (found) return { existing: true, business: ctx.runtime.records.get(actor, found.id) };
    const fields = Object.fromEntries(Object.entries(kboFields(e, lang)).filter(([, v]) => v !== null && v !== ''));
    const business = await ctx.runtime.records.create(actor, BUSINESS, fields, { withEvents: true });
    return { existing: false, business };
  });
}

function langOf(req: Request): Lang {
  return requestLanguage(req) === 'nl' ? 'nl' : 'fr';
}

export const kboMount: Mount = {
  api: (api: express.Router, ctx: MountContext) => {
    api.post('/admin/kbo/import', async (req, res) => {
      requireAdmin(ctx, req);
      const body = bodyObject(req);
      const dir = body['dir'];
      const mode = body['mode'] ?? 'full';
      if (typeof dir !== 'string' || dir.trim() === '') {
        throw bilingualError(400, 'bad-parameter', text('Indiquez le dossier de l’extrait BCE (« dir »).', 'Geef de map van het KBO-uittreksel op ("dir").', 'Give the folder of the KBO extract ("dir").'));
      }
      if (mode !== 'full' && mode !== 'update') {
        throw bilingualError(400, 'bad-parameter', text('« mode » vaut « full » ou « update ».', '"mode" is "full" of "update".', '"mode" is "full" or "update".'));
      }
      const store = openKboStore(ctx.config.dataDir);
      try {
        const result = await store.importDir(resolve(dir.trim()), mode);
        res.json(result);
      } catch (e) {
        if (e instanceof KboImportError) {
          throw bilingualError(e.problem === 'busy' ? 409 : 422, `kbo-${e.problem}`, e.messages, { file: e.file, problem: e.problem });
        }
        throw e;
      } finally {
        store.close();
      }
    });

    api.get('/kbo/search', (req, res) => {
      requireReader(ctx, req);
      const q = typeof req.query['q'] === 'string' ? req.query['q'].trim() : '';
      if (q.length < 2) {
        throw bilingualError(400, 'bad-parameter', text('Indiquez au moins 2 caractères (nom ou numéro).', 'Geef minstens 2 tekens op (naam of nummer).', 'Give at least 2 characters (name or number).'));
      }
      const items = withStore(ctx, (s) => s.search(q, 20));
      res.json({ total: items.length, items });
    });

    api.get('/kbo/:number', (req, res) => {
      requireReader(ctx, req);
      const number = enterpriseNumber(String(req.params['number']), 'number');
      res.json(lookup(ctx, number));
    });

    api.post('/kbo/:number/business', async (req, res) => {
      const actor = actorOfRequest(req);
      const number = enterpriseNumber(String(req.params['number']), 'number');
      const e = lookup(ctx, number);
      const result = await businessOf(ctx, actor, e, langOf(req));
      if (result.existing) res.status(200);
      else res.status(201).location(`/api/records/${result.business.id}`);
      res.json(result);
    });

    api.post('/records/:id/prefill-from-kbo', async (req, res) => {
      const actor = actorOfRequest(req);
      const body = bodyObject(req);
      const number = enterpriseNumber(body['number'], 'number');
      const target = ctx.runtime.records.get(actor, String(req.params['id']));
      const { pack } = ctx.runtime.packs.active();
      const defs = pack.records[target.recordType]?.fields ?? {};
      if (!defs['company_name'] || !defs['enterprise_number']) {
        throw new HttpError(422, 'no-company-fields', text(
          `Un enregistrement « ${target.recordType} » n’a pas de champs d’entreprise à remplir depuis la BCE.`,
          `Een record "${target.recordType}" heeft geen ondernemingsvelden om vanuit de KBO in te vullen.`,
          `A "${target.recordType}" record has no company fields to fill from the KBO.`,
        ));
      }
      const e = lookup(ctx, number);
      const recordLang = target.fields['language'];
      const lang: Lang = recordLang === 'nl' || recordLang === 'fr' ? recordLang : langOf(req);
      const k = kboFields(e, lang);
      const candidates: Record<string, unknown> = {
        company_name: k['name'],
        enterprise_number: k['enterprise_number'],
        vat_number: k['vat_number'],
        legal_form: k['legal_form'],
        registered_office: k['registered_office'],
      };
      const changes: Record<string, unknown> = {};
      for (const [f, v] of Object.entries(candidates)) if (defs[f] && v !== null && v !== '') changes[f] = v;
      const ref = defs[BUSINESS];
      if (ref && ref.type === 'reference' && ref.to === BUSINESS) {
        const { business } = await businessOf(ctx, actor, e, lang);
        changes[BUSINESS] = business.id;
      }
      const expected = body['expectedVersion'];
      if (expected !== undefined && (typeof expected !== 'number' || !Number.isInteger(expected))) {
        throw new HttpError(400, 'bad-parameter', text('« expectedVersion » doit être un entier.', '"expectedVersion" moet een geheel getal zijn.', '"expectedVersion" must be an integer.'));
      }
      const view = await ctx.runtime.records.send(actor, target.id, { type: 'update', data: { fields: changes }, expectedVersion: typeof expected === 'number' ? expected : target.version }, { withEvents: true });
      res.setHeader('ETag', `"${view.version}"`);
      res.json(view);
    });
  },
};
