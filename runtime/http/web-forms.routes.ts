/**
 * Web-to-case (contact centre intake, part 3): the pack's public web forms, served at
 * /forms/<id> as plain server-rendered HTML (no script needed), in French and Dutch, and
 * embeddable in the commune's site.
 *
 *   GET  /forms/<id>?lang=fr|nl  the form (language from ?lang, else Accept-Language, else fr)
 *   POST /forms/<id>?lang=fr|nl  application/x-www-form-urlencoded, at most 20 kB
 *     → errors: the form again, values kept, an error summary linking to each field (422)
 *     → honeypot filled: a thank-you page, nothing created
 *     → too many from one address: 429 with Retry-After (FORMS_PER_MINUTE)
 *     → valid: one case (the form's `set` fields, channel web) with the submission as its
 *       inbound message in the same transaction, the confirmation mail queued in the outbox
 *       (idempotent by the case id), then a thank-you page with the case reference.
 *
 * Pages carry their own Content-Security-Policy: no script at all, a per-response nonce for the
 * one style sheet, and `frame-ancestors` from `formsFrameAncestors` (FORMS_FRAME_ANCESTORS,
 * space-separated sources; `*` when unset, for the demo).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomBytes, randomUUID } from 'node:crypto';
import { ValidationError } from '../../engine/errors';
import { validateRecordWrite, type FieldDefinition, type FieldMessage } from '../../engine/fields';
import type { Pack, WebFormDefinition } from '../../engine/pack';
import type { Config } from '../config/config';
import { newRecordId } from '../services/record-id';
import type { Mount, MountContext } from './mounts';

export type FormLang = 'fr' | 'nl';

const SYSTEM = { id: 'system', roles: ['system'] };
/** Largest accepted submission: a contact form is a few kB; more is a mistake or abuse. */
export const FORM_BODY_LIMIT = 20 * 1024;
/** The honeypot: a field people never see (nor hear); bots fill every field they find. */
export const HONEYPOT_FIELD = 'website';
const WINDOW_MS = 60_000;

type Bilingual = { fr: string; nl: string };
const t = (fr: string, nl: string): Bilingual => ({ fr, nl });

const UI = {
  required: t('obligatoire', 'verplicht'),
  requiredHint: t('Les champs marqués d’un astérisque (*) sont obligatoires.', 'Velden met een sterretje (*) zijn verplicht.'),
  submit: t('Envoyer', 'Versturen'),
  choose: t('— Choisissez —', '— Maak een keuze —'),
  error: t('Erreur', 'Fout'),
  errorTitle: t('Erreur : ', 'Fout: '),
  otherLang: t('Nederlands', 'Français'),
  otherLangLabel: t('Deze pagina in het Nederlands', 'Cette page en français'),
  thanksTitle: t('Merci, votre demande a bien été reçue', 'Bedankt, uw aanvraag werd goed ontvangen'),
  reference: t('Référence de votre dossier', 'Referentie van uw dossier'),
  keepReference: t('Conservez cette référence : elle permet de retrouver votre dossier si vous nous recontactez.', 'Bewaar deze referentie: daarmee vinden we uw dossier terug als u ons opnieuw contacteert.'),
  confirmationSent: t('Une confirmation est envoyée à', 'Een bevestiging wordt verstuurd naar'),
  yourSubject: t('Votre demande', 'Uw aanvraag'),
  another: t('Envoyer une autre demande', 'Een andere aanvraag versturen'),
  notFoundTitle: t('Formulaire introuvable', 'Formulier niet gevonden'),
  notFound: t('Ce formulaire n’existe pas ou n’est plus en ligne. Vérifiez l’adresse de la page.', 'Dit formulier bestaat niet of is niet meer online. Controleer het adres van de pagina.'),
  tooLargeTitle: t('Demande trop volumineuse', 'Aanvraag te groot'),
  tooLarge: t(`Le formulaire envoyé dépasse ${FORM_BODY_LIMIT / 1024} ko. Raccourcissez votre texte et réessayez.`, `Het verstuurde formulier is groter dan ${FORM_BODY_LIMIT / 1024} kB. Maak uw tekst korter en probeer opnieuw.`),
  tooManyTitle: t('Trop de demandes', 'Te veel aanvragen'),
  tooMany: t('Trop de formulaires ont été envoyés depuis votre connexion en peu de temps. Réessayez dans', 'Er werden in korte tijd te veel formulieren verstuurd vanaf uw verbinding. Probeer opnieuw over'),
  seconds: t('secondes', 'seconden'),
  badRequestTitle: t('Demande invalide', 'Ongeldige aanvraag'),
  badRequest: t('Le formulaire n’a pas pu être lu. Rechargez la page et réessayez.', 'Het formulier kon niet gelezen worden. Laad de pagina opnieuw en probeer nog eens.'),
  failureTitle: t('Service momentanément indisponible', 'Dienst tijdelijk niet beschikbaar'),
  failure: t('Votre demande n’a pas pu être enregistrée. Réessayez dans quelques minutes ; si le problème persiste, contactez-nous par téléphone.', 'Uw aanvraag kon niet worden geregistreerd. Probeer het over enkele minuten opnieuw; blijft het probleem, bel ons dan.'),
  back: t('Retour au formulaire', 'Terug naar het formulier'),
  honeypotLabel: t('Ne pas remplir ce champ', 'Dit veld niet invullen'),
};

/** French puts a space before the colon, Dutch does not. */
const colon = (lang: FormLang): string => (lang === 'fr' ? '\u00a0:' : ':');
const quote = (lang: FormLang, s: string): string => (lang === 'fr' ? `«\u00a0${s}\u00a0»` : `“${s}”`);

const EMPTY_FORM = { fr: 'Le formulaire est vide : décrivez votre demande avant de l’envoyer.', nl: 'Het formulier is leeg: beschrijf uw aanvraag voor u het verstuurt.', en: 'The form is empty: describe your request before sending it.' };

function errorSummaryHeading(lang: FormLang, n: number): string {
  if (lang === 'nl') return n === 1 ? 'Verbeter de volgende fout' : `Verbeter de volgende ${n} fouten`;
  return n === 1 ? 'Corrigez l’erreur suivante' : `Corrigez les ${n} erreurs suivantes`;
}

// --- HTML -------------------------------------------------------------------------------------

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const STYLE = `
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1.0625rem;line-height:1.5;color:#1b1b1b;background:#fff;margin:0}
main{max-width:42rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.75rem;line-height:1.25;margin:.5rem 0 1rem}
.lang-switch{text-align:right;margin:0}
a{color:#0b4f8a}
a:focus,input:focus,textarea:focus,select:focus,button:focus,.error-summary:focus{outline:3px solid #ffbf47;outline-offset:2px}
.field{margin:0 0 1.5rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.req{color:#a4151c}
input[type=text],input[type=email],input[type=tel],input[type=date],textarea,select{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:2px solid #1b1b1b;border-radius:0;background:#fff;color:inherit}
textarea{min-height:9rem;resize:vertical}
.invalid input,.invalid textarea,.invalid select{border-color:#a4151c}
.field.invalid{border-left:4px solid #a4151c;padding-left:.75rem}
.field-error{color:#a4151c;font-weight:600;margin:0 0 .25rem}
.error-summary{border:4px solid #a4151c;padding:1rem 1.25rem;margin:0 0 1.5rem}
.error-summary h2{font-size:1.25rem;margin:0 0 .5rem}
.error-summary a{color:#a4151c;font-weight:600}
button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;background:#00703c;color:#fff;cursor:pointer}
button:hover{background:#005a30}
.reference{font-size:1.25rem;font-weight:700;word-break:break-all}
.panel{border:4px solid #00703c;padding:1rem 1.25rem;margin:0 0 1.5rem}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:-1px!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
`;

interface PageOptions {
  lang: FormLang;
  title: string;
  body: string;
  nonce: string;
  /** Where the language switch goes (the same page in the other language); none when absent. */
  switchHref?: string;
}

function page(o: PageOptions): string {
  const other: FormLang = o.lang === 'fr' ? 'nl' : 'fr';
  const langSwitch = o.switchHref
    ? `<p class="lang-switch"><a href="${escapeHtml(o.switchHref)}" hreflang="${other}" lang="${other}" aria-label="${escapeHtml(UI.otherLangLabel[o.lang])}">${escapeHtml(UI.otherLang[o.lang])}</a></p>`
    : '';
  return (
    `<!doctype html>\n<html lang="${o.lang}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="robots" content="noindex">\n<title>${escapeHtml(o.title)}</title>\n<style nonce="${o.nonce}">${STYLE}</style>\n</head>\n<body>\n<main id="main">\n${langSwitch}\n${o.body}\n</main>\n</body>\n</html>\n`
  );
}

// --- language, CSP, rate limit ----------------------------------------------------------------

function isLang(v: unknown): v is FormLang {
  return v === 'fr' || v === 'nl';
}

/** ?lang= first, then the best of fr/nl in Accept-Language (q-values honoured), else fr. */
export function formLanguage(req: Request): FormLang {
  const q = req.query['lang'];
  if (isLang(q)) return q;
  const header = String(req.headers['accept-language'] ?? '').toLowerCase();
  let best: { lang: FormLang; q: number } | null = null;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const primary = tag.trim().slice(0, 2);
    if (!isLang(primary)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(weight) || weight <= 0) continue;
    if (!best || weight > best.q) best = { lang: primary, q: weight };
  }
  return best?.lang ?? 'fr';
}

// A host source needs a dot (or is localhost): a stray word (`script-src`) is a typo, not a site.
const SOURCE = /^(\*|'self'|'none'|https?:|(https?:\/\/)?((\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+|localhost|\d{1,3}(\.\d{1,3}){3})(:(\d{1,5}|\*))?(\/[^\s;,'"]*)?)$/i;

/**
 * The sites allowed to embed the forms (CSP frame-ancestors), from `formsFrameAncestors` in the
 * configuration (FORMS_FRAME_ANCESTORS: sources separated by spaces or commas). Anything that is
 * not a CSP source is dropped, so a typo cannot inject another directive. `*` when unset.
 */
export function frameAncestors(config: Config, log: (msg: string) => void = () => undefined): string {
  const raw = (config as Config & { formsFrameAncestors?: string | string[] }).formsFrameAncestors;
  const list = (Array.isArray(raw) ? raw : String(raw ?? '*').split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
  const valid = list.filter((s) => SOURCE.test(s));
  const dropped = list.filter((s) => !SOURCE.test(s));
  if (dropped.length) log(`web forms: ignoring frame-ancestors entries that are not CSP sources: ${dropped.join(' ')}`);
  if (raw === undefined || list.length === 0) return '*';
  return valid.length ? valid.join(' ') : "'none'";
}

/** A sliding one-minute window per client address, kept in memory (one server process). */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly perMinute: number, private readonly clock: () => number) {}

  /** Counts a hit; null when allowed, else the seconds until the next one would be. */
  hit(key: string): number | null {
    const now = this.clock();
    const recent = (this.hits.get(key) ?? []).filter((at) => at > now - WINDOW_MS);
    if (recent.length >= this.perMinute) {
      this.hits.set(key, recent);
      return Math.max(1, Math.ceil(((recent[0] ?? now) + WINDOW_MS - now) / 1000));
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.sweep(now);
    return null;
  }

  private sweep(now: number): void {
    for (const [k, v] of this.hits) if (!v.some((at) => at > now - WINDOW_MS)) this.hits.delete(k);
  }
}

// --- the form ---------------------------------------------------------------------------------

interface FormField {
  name: string;
  def: FieldDefinition;
}

/** The record type's fields, with the form's own `required` list on top (a form may ask more). */
function formDefs(pack: Pack, form: WebFormDefinition): Record<string, FieldDefinition> {
  const defs = { ...(pack.records[form.record]?.fields ?? {}) };
  for (const name of form.required ?? []) {
    const def = defs[name];
    if (def) defs[name] = { ...def, required: true };
  }
  return defs;
}

function formFields(pack: Pack, form: WebFormDefinition): FormField[] {
  const defs = formDefs(pack, form);
  return form.fields.flatMap((name) => {
    const def = defs[name];
    return def && def.computed === undefined ? [{ name, def }] : [];
  });
}

const AUTOCOMPLETE: Record<string, string> = { from_name: 'name', name: 'name', full_name: 'name', first_name: 'given-name', last_name: 'family-name', from_email: 'email', from_phone: 'tel', phone: 'tel', postal_code: 'postal-code' };

function autocompleteOf(f: FormField): string | null {
  if (f.def.type === 'email') return 'email';
  if (f.def.type === 'phone') return 'tel';
  return AUTOCOMPLETE[f.name] ?? null;
}

const fieldId = (name: string) => `f-${name}`;

function renderField(f: FormField, lang: FormLang, value: string, error: FieldMessage | undefined): string {
  const id = fieldId(f.name);
  const label = f.def.label[lang];
  const required = f.def.required === true;
  const errorId = `${id}-error`;
  const attrs = [`id="${id}"`, `name="${escapeHtml(f.name)}"`];
  if (required) attrs.push('aria-required="true"');
  if (error) attrs.push('aria-invalid="true"', `aria-describedby="${errorId}"`);
  const ac = autocompleteOf(f);
  const reqMark = required ? ` <span class="req" aria-hidden="true">*</span><span class="visually-hidden"> (${UI.required[lang]})</span>` : '';
  const labelHtml = `<label for="${id}">${escapeHtml(label)}${reqMark}</label>`;
  const errorHtml = error ? `<p class="field-error" id="${errorId}"><span class="visually-hidden">${UI.error[lang]}${colon(lang)} </span>${escapeHtml(error[lang])}</p>` : '';
  const maxLength = f.def.maxLength ?? (f.def.type === 'text' || f.def.type === 'long-text' ? f.def.max : undefined);
  let control: string;
  switch (f.def.type) {
    case 'long-text':
      if (maxLength !== undefined) attrs.push(`maxlength="${maxLength}"`);
      control = `<textarea ${attrs.join(' ')} rows="8">${escapeHtml(value)}</textarea>`;
      break;
    case 'enum': {
      const options = Object.entries(f.def.values ?? {})
        .map(([k, l]) => `<option value="${escapeHtml(k)}"${k === value ? ' selected' : ''}>${escapeHtml(l[lang])}</option>`)
        .join('');
      control = `<select ${attrs.join(' ')}><option value="">${UI.choose[lang]}</option>${options}</select>`;
      break;
    }
    case 'boolean':
      control = `<input type="checkbox" ${attrs.join(' ')} value="true"${value === 'true' ? ' checked' : ''}>`;
      return `<div class="field${error ? ' invalid' : ''}">${errorHtml}${control} ${labelHtml}</div>`;
    default: {
      const type = f.def.type === 'email' ? 'email' : f.def.type === 'phone' ? 'tel' : f.def.type === 'date' ? 'date' : 'text';
      if (ac) attrs.push(`autocomplete="${ac}"`);
      if (f.def.type === 'email') attrs.push('spellcheck="false"');
      if (f.def.type === 'number' || f.def.type === 'money') attrs.push('inputmode="decimal"');
      if (maxLength !== undefined && type === 'text') attrs.push(`maxlength="${maxLength}"`);
      control = `<input type="${type}" ${attrs.join(' ')} value="${escapeHtml(value)}">`;
    }
  }
  return `<div class="field${error ? ' invalid' : ''}">${labelHtml}${errorHtml}${control}</div>`;
}

interface FormState {
  values: Record<string, string>;
  errors: Record<string, FieldMessage>;
}

function formPath(id: string, lang: FormLang): string {
  return `/forms/${encodeURIComponent(id)}?lang=${lang}`;
}

function renderForm(pack: Pack, id: string, form: WebFormDefinition, lang: FormLang, nonce: string, state: FormState = { values: {}, errors: {} }): string {
  const fields = formFields(pack, form);
  // The summary lists errors in the order of the fields on the page, others (not on it) last.
  const order = fields.map((f) => f.name);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const errorEntries = Object.entries(state.errors).sort(([a], [b]) => rank(a) - rank(b));
  const onForm = new Set(order);
  const summary = errorEntries.length
    ? `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>` +
      `<h2 id="error-summary-title">${escapeHtml(errorSummaryHeading(lang, errorEntries.length))}</h2><ul>` +
      errorEntries
        .map(([name, e]) => (onForm.has(name) ? `<li><a href="#${fieldId(name)}">${escapeHtml(e[lang])}</a></li>` : `<li>${escapeHtml(e[lang])}</li>`))
        .join('') +
      `</ul></div>`
    : '';
  const hasRequired = fields.some((f) => f.def.required === true);
  const body =
    `<h1>${escapeHtml(form.label[lang])}</h1>\n` +
    (form.intro ? `<p>${escapeHtml(form.intro[lang])}</p>\n` : '') +
    summary +
    (hasRequired ? `<p>${UI.requiredHint[lang]}</p>\n` : '') +
    `<form method="post" action="${escapeHtml(formPath(id, lang))}" novalidate accept-charset="utf-8">\n` +
    `<input type="hidden" name="lang" value="${lang}">\n` +
    // The language asked on the form starts on the page's own.
    fields.map((f) => renderField(f, lang, state.values[f.name] ?? (f.name === 'language' && f.def.type === 'enum' && Object.hasOwn(f.def.values ?? {}, lang) ? lang : ''), state.errors[f.name])).join('\n') +
    // The honeypot: off-screen, out of the tab order and of the accessibility tree.
    `\n<div class="hp" aria-hidden="true"><label for="f-${HONEYPOT_FIELD}">${UI.honeypotLabel[lang]}</label>` +
    `<input type="text" id="f-${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off" value=""></div>\n` +
    `<button type="submit">${UI.submit[lang]}</button>\n</form>`;
  const title = (errorEntries.length ? UI.errorTitle[lang] : '') + form.label[lang];
  return page({ lang, title, body, nonce, switchHref: formPath(id, lang === 'fr' ? 'nl' : 'fr') });
}

function renderThanks(id: string, form: WebFormDefinition, lang: FormLang, nonce: string, reference: string, subject: string | null, email: string | null): string {
  const body =
    `<div class="panel" role="status"><h1>${UI.thanksTitle[lang]}</h1>` +
    `<p>${UI.reference[lang]}${colon(lang)}<br><span class="reference">${escapeHtml(reference)}</span></p></div>\n` +
    (subject ? `<p>${UI.yourSubject[lang]}${colon(lang)} ${quote(lang, escapeHtml(subject))}</p>\n` : '') +
    `<p>${UI.keepReference[lang]}</p>\n` +
    (email ? `<p>${UI.confirmationSent[lang]} ${escapeHtml(email)}.</p>\n` : '') +
    `<p><a href="${escapeHtml(formPath(id, lang))}">${UI.another[lang]}</a></p>`;
  return page({ lang, title: `${UI.thanksTitle[lang]} — ${form.label[lang]}`, body, nonce });
}

function renderMessage(lang: FormLang, nonce: string, title: Bilingual, text: string, back?: string): string {
  const body = `<h1>${title[lang]}</h1>\n<p>${escapeHtml(text)}</p>` + (back ? `\n<p><a href="${escapeHtml(back)}">${UI.back[lang]}</a></p>` : '');
  return page({ lang, title: title[lang], body, nonce });
}

// --- submission -------------------------------------------------------------------------------

/** Form text → the field's input: empty means "not given", a checkbox is true or false. */
function inputValue(def: FieldDefinition, raw: string): unknown {
  if (def.type === 'boolean') return raw === 'true';
  return raw.trim() === '' ? undefined : raw;
}

/** The submission as the case's first message: each field with its label, in the page's language. */
function submissionText(form: WebFormDefinition, fields: FormField[], values: Record<string, unknown>, lang: FormLang): string {
  const lines = fields
    .filter((f) => values[f.name] !== undefined && values[f.name] !== null && values[f.name] !== '')
    .map((f) => {
      const v = values[f.name];
      const shown = f.def.type === 'enum' ? f.def.values?.[String(v)]?.[lang] ?? String(v) : String(v);
      return f.def.type === 'long-text' ? `${f.def.label[lang]}${colon(lang)}\n${shown}` : `${f.def.label[lang]}${colon(lang)} ${shown}`;
    });
  return `${form.label[lang]}\n\n${lines.join('\n\n')}`;
}

function emailFieldOf(pack: Pack, form: WebFormDefinition): string | null {
  const defs = formDefs(pack, form);
  if (defs['from_email']?.type === 'email') return 'from_email';
  return form.fields.find((f) => defs[f]?.type === 'email') ?? null;
}

function firstString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return '';
}

// --- router -----------------------------------------------------------------------------------

export function webFormsRouter(ctx: MountContext): express.Router {
  const router = express.Router();
  const { packs, records, committer } = ctx.runtime;
  const limiter = new RateLimiter(ctx.config.formsPerMinute, ctx.clock);
  const ancestors = frameAncestors(ctx.config, ctx.log);

  // Every answer of this router: its own CSP (embeddable, no script), never cached.
  router.use((_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals['nonce'] = nonce;
    res.setHeader('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors ${ancestors}`);
    res.removeHeader('X-Frame-Options');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const nonceOf = (res: Response): string => String(res.locals['nonce']);
  const send = (res: Response, status: number, html: string) => void res.status(status).type('html').send(html);

  const findForm = (id: string) => {
    const { pack, version } = packs.active();
    const form = Object.hasOwn(pack.channels.forms, id) ? pack.channels.forms[id] : undefined;
    return form && pack.records[form.record] ? { pack, version, form } : null;
  };
  const notFound = (req: Request, res: Response) => send(res, 404, renderMessage(formLanguage(req), nonceOf(res), UI.notFoundTitle, UI.notFound[formLanguage(req)]));

  router.get('/:id', (req, res) => {
    const id = String(req.params['id']);
    const found = findForm(id);
    if (!found) return notFound(req, res);
    const lang = formLanguage(req);
    send(res, 200, renderForm(found.pack, id, found.form, lang, nonceOf(res)));
  });

  // The limit is counted before the body is read: a flood costs little.
  const rateLimit = (req: Request, res: Response, next: NextFunction) => {
    if (!findForm(String(req.params['id']))) return notFound(req, res);
    const wait = limiter.hit(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (wait === null) return next();
    const lang = formLanguage(req);
    res.setHeader('Retry-After', String(wait));
    send(res, 429, renderMessage(lang, nonceOf(res), UI.tooManyTitle, `${UI.tooMany[lang]} ${wait} ${UI.seconds[lang]}.`, formPath(String(req.params['id']), lang)));
  };

  router.post('/:id', rateLimit, express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 200 }), async (req, res) => {
    const id = String(req.params['id']);
    const found = findForm(id);
    if (!found) return notFound(req, res);
    const { pack, form } = found;
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const bodyLang = firstString(body['lang']);
    const lang = isLang(req.query['lang']) ? req.query['lang'] : isLang(bodyLang) ? bodyLang : formLanguage(req);
    const nonce = nonceOf(res);

    if (firstString(body[HONEYPOT_FIELD]).trim() !== '') {
      // A bot: it is told all went well, and nothing is kept.
      ctx.log(`web form ${id}: honeypot filled, submission dropped`);
      return send(res, 200, renderThanks(id, form, lang, nonce, newRecordId(ctx.clock()), null, null));
    }

    const fields = formFields(pack, form);
    const defs = formDefs(pack, form);
    const raw: Record<string, string> = {};
    const input: Record<string, unknown> = {};
    for (const f of fields) {
      raw[f.name] = firstString(body[f.name]);
      const v = inputValue(f.def, raw[f.name] ?? '');
      if (v !== undefined) input[f.name] = v;
    }
    // Fields of the case that the visitor does not fill: the channel, their language, the form's `set`.
    const preset: Record<string, unknown> = {};
    if (defs['channel'] && (defs['channel'].type !== 'enum' || Object.hasOwn(defs['channel'].values ?? {}, 'web'))) preset['channel'] = 'web';
    if (defs['language'] && (defs['language'].type !== 'enum' || Object.hasOwn(defs['language'].values ?? {}, lang))) preset['language'] = lang;
    const all: Record<string, unknown> = { ...preset, ...input, ...(form.set ?? {}) };

    const rerender = (errors: Record<string, FieldMessage>) => send(res, 422, renderForm(pack, id, form, lang, nonce, { values: raw, errors }));
    // Nothing typed at all (the pack may require no field): no empty case for anyone to open.
    const typed = fields.filter((f) => f.def.type !== 'boolean' && f.name !== 'language' && input[f.name] !== undefined);
    const firstField = fields.find((f) => f.name !== 'language') ?? fields[0];
    if (typed.length === 0 && firstField) return rerender({ [firstField.name]: { code: 'required', ...EMPTY_FORM } });
    const checked = validateRecordWrite(defs, {}, all, { creating: true });
    if (!checked.ok) return rerender(checked.errors);

    const emailField = emailFieldOf(pack, form);
    const fromEmail = emailField && typeof checked.values[emailField] === 'string' ? (checked.values[emailField] as string) : null;
    const fromName = typeof checked.values['from_name'] === 'string' ? (checked.values['from_name'] as string) : null;
    const subjectField = pack.records[form.record]?.title ?? 'subject';
    const subject = typeof checked.values[subjectField] === 'string' ? (checked.values[subjectField] as string) : form.label[lang];
    const at = new Date(ctx.clock()).toISOString();
    const messageId = `web:${randomUUID()}`;

    let view;
    try {
      view = await records.create(SYSTEM, form.record, all, {
        messages: [{
          id: randomUUID(), direction: 'in', channel: 'web', messageId, inReplyTo: null, references: [],
          from: fromName && fromEmail ? `${fromName} <${fromEmail}>` : fromEmail ?? fromName ?? '',
          to: [`form:${id}`], subject, text: submissionText(form, fields, checked.values, lang), html: null, attachments: [], at,
        }],
      });
    } catch (e) {
      if (e instanceof ValidationError) {
        const errors: Record<string, FieldMessage> = {};
        for (const [k, v] of Object.entries(e.fieldErrors)) errors[k] = { code: v.code, fr: v.fr, nl: v.nl, en: v.en ?? v.fr };
        // (the engine's own checks, e.g. a process guard on creation)
        if (Object.keys(errors).length) return rerender(errors);
      }
      ctx.log(`web form ${id}: the case could not be created`, e);
      return send(res, 503, renderMessage(lang, nonce, UI.failureTitle, UI.failure[lang], formPath(id, lang)));
    }

    // The confirmation goes through the outbox (retried, idempotent by the case id).
    const template = form.confirmation ?? (pack.templates['confirmation'] ? 'confirmation' : null);
    const to = emailField && typeof view.fields[emailField] === 'string' ? (view.fields[emailField] as string) : null;
    if (template && to) {
      try {
        await committer.submit((tx) =>
          tx.enqueueOutbox([{
            instanceId: view.id, kind: 'email', idempotencyKey: `form:${view.id}:confirmation`, nextAttemptAt: ctx.clock(),
            payload: { kind: 'email', template, to, recordId: view.id, recordType: view.recordType, packVersion: view.packVersion },
          }]),
        );
      } catch (e) {
        // The case exists: the visitor gets their reference; the missing mail is in the log.
        ctx.log(`web form ${id}: confirmation of ${view.id} not queued`, e);
      }
    }
    send(res, 201, renderThanks(id, form, lang, nonce, view.id, subject, to));
  });

  // Body errors (too large, unreadable) as pages in the visitor's language, not JSON.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const lang = formLanguage(req);
    const nonce = typeof res.locals['nonce'] === 'string' ? (res.locals['nonce'] as string) : '';
    // Router-level: no route params here, the form id is the path's first segment.
    let formId = '';
    try {
      formId = decodeURIComponent(req.path.split('/')[1] ?? '');
    } catch {
      // a malformed path: no link back
    }
    const back = formId && findForm(formId) ? formPath(formId, lang) : undefined;
    const e = err as { type?: string; status?: number };
    if (e?.type === 'entity.too.large' || e?.status === 413) return send(res, 413, renderMessage(lang, nonce, UI.tooLargeTitle, UI.tooLarge[lang], back));
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return send(res, 400, renderMessage(lang, nonce, UI.badRequestTitle, UI.badRequest[lang], back));
    ctx.log('web form: unexpected error', err);
    send(res, 500, renderMessage(lang, nonce, UI.failureTitle, UI.failure[lang], back));
  });
  return router;
}

export const webFormsMount: Mount = {
  root: (app, ctx) => void app.use('/forms', webFormsRouter(ctx)),
};
