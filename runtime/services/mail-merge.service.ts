/**
 * Mail merge of the census letters (TR-8..10, TR-20, TR-27): a `kind: document` template of
 * the pack, filled with a dossier's fields in the dossier's language (`language`), rendered
 * to DOCX and PDF, stored in the blob store and attached to the dossier's `letters` field by
 * an `update` event (so the history shows it), with the chosen tax regulation's PDF.
 * Bulk merge: one DOCX + PDF per dossier and one combined PDF to print.
 *
 * Placeholders: any field of the record ({{company_name}}), plus {{record_id}} and {{today}}.
 * Money is formatted in the language (1 234,56 €), dates dd/mm/yyyy (datetimes in Brussels
 * time), enum values by their label, addresses on one line, booleans Oui/Non – Ja/Nee.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, ValidationError } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import type { FieldDefinition } from '../../engine/fields/field-types';
import type { Pack, TemplateDefinition } from '../../engine/pack/pack-types';
import { parseDocumentBody, type MergedDocument } from '../../adapters/documents/document-model';
import { renderDocx } from '../../adapters/documents/docx-renderer';
import { renderPdf } from '../../adapters/documents/pdf-renderer';
import type { BlobStore } from '../ports/blob-store.port';
import type { PacksService } from './packs.service';
import type { RecordsService, RecordView } from './records.service';

export type MergeFormat = 'docx' | 'pdf';
export type DocLang = 'fr' | 'nl';

/** A file value as stored in `file` fields. */
export interface MergedFile {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

export interface MergeDeps {
  blobs: BlobStore;
  packs: PacksService;
  records: RecordsService;
}

const CONTENT_TYPES: Record<MergeFormat | 'regulation', string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  regulation: 'application/pdf',
};

/** The field of the dossier that keeps the generated letters. */
export const LETTERS_FIELD = 'letters';

export const LETTERHEAD: Record<DocLang, string[]> = {
  fr: ['Commune de Bruxelles — Service des taxes', 'Recensement des taxes communales · Hôtel communal · taxes@commune.brussels'],
  nl: ['Gemeente Brussel — Dienst Belastingen', 'Telling van de gemeentebelastingen · Gemeentehuis · belastingen@gemeente.brussels'],
};

const pad = (n: number): string => String(n).padStart(2, '0');

/** dd/mm/yyyy of an instant, in Brussels. */
export function brusselsDate(ms: number): string {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' });
  return f.format(new Date(ms));
}

export function formatMoney(amount: number, lang: DocLang): string {
  return new Intl.NumberFormat(lang === 'nl' ? 'nl-BE' : 'fr-BE', { style: 'currency', currency: 'EUR' }).format(amount).replace(/[\u202f\u00a0]/g, ' ');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One field's value as a reader of the letter sees it. */
export function formatFieldValue(def: FieldDefinition | undefined, value: unknown, lang: DocLang): string {
  if (value === null || value === undefined || value === '') return '';
  const type = def?.type;
  if (type === 'enum' && typeof value === 'string') return def?.values?.[value]?.[lang] ?? value;
  if (type === 'money' && typeof value === 'number') return formatMoney(value, lang);
  if (type === 'number' && typeof value === 'number') return value.toLocaleString(lang === 'nl' ? 'nl-BE' : 'fr-BE');
  if (type === 'date' && typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    return m ? `${m[3]}/${m[2]}/${m[1]}` : value;
  }
  if (type === 'datetime' && typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : brusselsDate(ms);
  }
  if (type === 'boolean') return value === true ? (lang === 'nl' ? 'Ja' : 'Oui') : lang === 'nl' ? 'Nee' : 'Non';
  if (type === 'address' && isObject(value)) {
    const s = (k: string): string => (typeof value[k] === 'string' ? (value[k] as string) : '');
    const box = s('box') ? ` ${lang === 'nl' ? 'bus' : 'bte'} ${s('box')}` : '';
    const country = s('country') && s('country') !== 'BE' ? `, ${s('country')}` : '';
    return `${s('street')} ${s('number')}${box}, ${s('postalCode')} ${s('city')}${country}`.trim();
  }
  if (type === 'file' && isObject(value)) return typeof value['name'] === 'string' ? value['name'] : '';
  if (Array.isArray(value)) {
    const item: FieldDefinition | undefined = def?.of ? { type: def.of, label: def.label, ...(def.values ? { values: def.values } : {}) } : undefined;
    return value.map((v) => formatFieldValue(item, v, lang)).filter((s) => s !== '').join(', ');
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** `{{name}}` → the formatted value; an unknown or empty field gives nothing. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_m, name: string) => values[name] ?? '');
}

const safeName = (s: string): string => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'document';

function notFoundTemplate(id: string): NotFoundError {
  return new NotFoundError(
    { fr: `Le modèle de document « ${id} » n’existe pas.`, nl: `Het documentsjabloon "${id}" bestaat niet.`, en: `The document template "${id}" does not exist.` },
    { template: id },
  );
}

interface GeneratedInfo {
  name: string;
  contentType: string;
  /** Downloading needs read access to all of them. */
  recordIds: string[];
}

export class MailMergeService {
  /** The files this server generated, for GET /api/files/:id (kept in memory). */
  private readonly generated = new Map<string, GeneratedInfo>();

  constructor(
    private readonly deps: MergeDeps,
    private readonly regulationsDir: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The active pack's document template, or 404 in FR/NL. */
  template(id: string): { pack: Pack; template: TemplateDefinition } {
    const { pack } = this.deps.packs.active();
    const template = pack.templates[id];
    if (!template || template.kind !== 'document') throw notFoundTemplate(id);
    return { pack, template };
  }

  /** The letter of one dossier, placeholders filled, ready to render. */
  compose(pack: Pack, template: TemplateDefinition, record: RecordView): MergedDocument {
    const lang: DocLang = record.fields['language'] === 'nl' ? 'nl' : 'fr';
    const defs = pack.records[record.recordType]?.fields ?? {};
    const values: Record<string, string> = { record_id: record.id, today: brusselsDate(this.clock()) };
    for (const [name, value] of Object.entries(record.fields)) values[name] = formatFieldValue(defs[name], value, lang);
    return {
      lang,
      title: fillPlaceholders(template.subject[lang], values),
      letterhead: LETTERHEAD[lang],
      blocks: parseDocumentBody(fillPlaceholders(template.body[lang], values)),
    };
  }

  private async store(data: Buffer, name: string, contentType: string, recordIds: string[]): Promise<MergedFile> {
    const { id, size } = await this.deps.blobs.put(data);
    const known = this.generated.get(id);
    this.generated.set(id, { name, contentType, recordIds: known ? [...new Set([...known.recordIds, ...recordIds])] : recordIds });
    return { id, name, size, contentType };
  }

  /**
   * A file the actor may read, or null: one this server generated (the actor reads all its
   * dossiers), or — after a restart too — a file value in a field of `recordId` it reads.
   */
  file(actor: Actor, id: string, recordId?: string): (GeneratedInfo & { id: string }) | null {
    const info = this.generated.get(id);
    try {
      if (info) {
        for (const r of info.recordIds) this.deps.records.get(actor, r);
        return { id, ...info };
      }
      if (!recordId) return null;
      const record = this.deps.records.get(actor, recordId);
      for (const value of Object.values(record.fields)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          if (isObject(v) && v['id'] === id && typeof v['name'] === 'string' && typeof v['contentType'] === 'string') {
            return { id, name: v['name'], contentType: v['contentType'], recordIds: [recordId] };
          }
        }
      }
    } catch {
      return null;
    }
    return null;
  }

  /** The regulation text of the dossier's tax family in its language, if shipped. */
  private async regulation(record: RecordView, lang: DocLang): Promise<MergedFile | null> {
    const reg = record.fields['tax_regulation'];
    if (typeof reg !== 'string' || !/^[\w-]+$/.test(reg)) return null;
    const name = `${reg}.${lang}.pdf`;
    let data: Buffer;
    try {
      data = await readFile(join(this.regulationsDir, name));
    } catch {
      return null;
    }
    const prefix = lang === 'nl' ? 'belastingreglement' : 'reglement-taxe';
    return this.store(data, `${prefix}-${name}`, CONTENT_TYPES.regulation, [record.id]);
  }

  private async renderOne(doc: MergedDocument, templateId: string, record: RecordView, formats: MergeFormat[]): Promise<MergedFile[]> {
    const base = `${templateId}-${safeName(record.title ?? record.id)}-${record.id}.${doc.lang}`;
    const out: MergedFile[] = [];
    for (const format of formats) {
      const data = format === 'docx' ? await renderDocx(doc) : await renderPdf([doc]);
      out.push(await this.store(data, `${base}.${format}`, CONTENT_TYPES[format], [record.id]));
    }
    return out;
  }

  /** Appends files to the dossier's `letters` (an `update` event: it shows in the history). */
  private async attach(actor: Actor, record: RecordView, files: MergedFile[]): Promise<void> {
    const existing = Array.isArray(record.fields[LETTERS_FIELD]) ? (record.fields[LETTERS_FIELD] as MergedFile[]) : [];
    await this.deps.records.send(actor, record.id, { type: 'update', data: { fields: { [LETTERS_FIELD]: [...existing, ...files] } } });
  }

  /** Merges one dossier: the letter in each format, plus the regulation PDF when asked. */
  async mergeOne(actor: Actor, recordId: string, templateId: string, options: { formats?: MergeFormat[]; regulation?: boolean } = {}): Promise<{ files: MergedFile[]; regulation: MergedFile | null }> {
    const { pack, template } = this.template(templateId);
    const record = this.deps.records.get(actor, recordId);
    const formats = options.formats?.length ? [...new Set(options.formats)] : (['docx', 'pdf'] as MergeFormat[]);
    const doc = this.compose(pack, template, record);
    const files = await this.renderOne(doc, templateId, record, formats);
    const regulation = options.regulation ? await this.regulation(record, doc.lang) : null;
    if (options.regulation && !regulation) {
      throw new ValidationError(
        { fr: 'Aucun règlement-taxe n’est disponible pour ce dossier (choisissez le règlement-taxe).', nl: 'Er is geen belastingreglement beschikbaar voor dit dossier (kies het belastingreglement).', en: 'No tax regulation is available for this dossier (choose the tax regulation).' },
        { tax_regulation: { code: 'no-regulation', fr: 'Règlement-taxe sans texte disponible.', nl: 'Belastingreglement zonder beschikbare tekst.', en: 'Tax regulation without text.' } },
      );
    }
    await this.attach(actor, record, regulation ? [...files, regulation] : files);
    return { files, regulation };
  }

  /**
   * Merges a selection: a DOCX and a PDF per dossier (attached to it) and one combined PDF
   * of all the letters, each from a new page, to print.
   */
  async mergeBulk(actor: Actor, templateId: string, recordIds: string[], options: { concurrency?: number } = {}): Promise<{ files: Array<MergedFile & { recordId: string }>; combined: MergedFile }> {
    const { pack, template } = this.template(templateId);
    // Reads first: an unknown or hidden dossier fails the whole request before anything is written.
    const records = [...new Set(recordIds)].map((id) => this.deps.records.get(actor, id));
    const docs = records.map((r) => this.compose(pack, template, r));
    const files: Array<MergedFile & { recordId: string }> = [];
    const concurrency = Math.max(1, options.concurrency ?? 32);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < records.length) {
        const i = next++;
        const record = records[i];
        const doc = docs[i];
        if (!record || !doc) continue;
        const out = await this.renderOne(doc, templateId, record, ['docx', 'pdf']);
        await this.attach(actor, record, out);
        files.push(...out.map((f) => ({ ...f, recordId: record.id })));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
    const order = new Map(records.map((r, i) => [r.id, i]));
    files.sort((a, b) => (order.get(a.recordId) ?? 0) - (order.get(b.recordId) ?? 0));
    const combinedPdf = await renderPdf(docs);
    const stamp = new Date(this.clock()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const combined = await this.store(combinedPdf, `${templateId}-${records.length}-${stamp}.pdf`, CONTENT_TYPES.pdf, records.map((r) => r.id));
    return { files, combined };
  }
}
