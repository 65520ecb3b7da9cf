/**
 * Finding which census dossier a scan, a returned form or a mail is about, from the text around
 * it (a file name, a mail's subject and body) and from bpost's deposit list (a CSV manifest).
 * No I/O here: the registered-mail service and the mail intake look the identifiers up.
 *
 * Identifiers recognised, strongest first:
 *  - a record id (UUID), alone or in the case token `[CF-<id>]`;
 *  - a registered-mail number in the UPU S10 format bpost uses for international and
 *    registered items, e.g. `RR473124829BE`: 2 letters, 8 serial digits, 1 check digit,
 *    the 2-letter country code (UPU standard S10, "Identification of postal items");
 *  - a Belgian enterprise number written any usual way (0403.170.701, 0403 170 701,
 *    0403170701, BE0403170701, BE 0403.170.701, BE403170701), kept only when its mod-97
 *    check holds (engine/fields/enterprise-number.ts).
 */
import type { LocalizedText } from '../../engine/errors';
import { checkEnterpriseNumber } from '../../engine/fields';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

// --- UPU S10 ------------------------------------------------------------------------------

const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];

/** The S10 check digit of 8 serial digits (UPU S10 §5.2: weights 8 6 4 2 3 5 9 7, modulus 11). */
export function s10CheckDigit(serial: string): number {
  if (!/^\d{8}$/.test(serial)) throw new RangeError(`an S10 serial has 8 digits, got "${serial}"`);
  const sum = S10_WEIGHTS.reduce((n, w, i) => n + w * Number(serial[i]), 0);
  const check = 11 - (sum % 11);
  // The standard maps 10 to 0 and 11 to 5.
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

/** The number in its canonical form (upper case, no spaces) when valid, else null. */
export function normaliseRegisteredNumber(raw: string): string | null {
  const compact = raw.replace(/\s+/g, '').toUpperCase();
  const m = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/.exec(compact);
  if (!m) return null;
  return s10CheckDigit(m[2] as string) === Number(m[3]) ? compact : null;
}

// Letters on both sides would make it part of a word; digits before are common in scan names.
const S10_RE = /(?<![A-Za-z])([A-Za-z]{2})(\d{9})([A-Za-z]{2})(?![A-Za-z])/g;

/** Valid S10 numbers in a text, each once, in order. Numbers with a wrong check digit are left out. */
export function registeredNumbersIn(s: string): string[] {
  const out = new Set<string>();
  for (const m of s.matchAll(S10_RE)) {
    const n = normaliseRegisteredNumber(`${m[1]}${m[2]}${m[3]}`);
    if (n) out.add(n);
  }
  return [...out];
}

/** S10-shaped numbers whose check digit is wrong: worth telling the user about (a typo in a name). */
export function invalidRegisteredNumbersIn(s: string): string[] {
  const out = new Set<string>();
  for (const m of s.matchAll(S10_RE)) {
    const raw = `${m[1]}${m[2]}${m[3]}`.toUpperCase();
    if (!normaliseRegisteredNumber(raw)) out.add(raw);
  }
  return [...out];
}

// --- record ids ---------------------------------------------------------------------------

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Record ids (UUIDs) in a text, lower case, each once. */
export function recordIdsIn(s: string): string[] {
  return [...new Set([...s.matchAll(UUID_RE)].map((m) => m[0].toLowerCase()))];
}

// --- enterprise numbers -------------------------------------------------------------------

// 10 digits starting with 0 or 1, in groups 4-3-3 with one optional separator each, or
// 9 digits (the older form, a leading 0 implied) only after "BE": alone, 9 digits are too
// common in free text (phone numbers, amounts).
const ENTERPRISE_RE = /(?<!\d)(?:(BE) ?)?(?:([01]\d{3})[.\s-]?(\d{3})[.\s-]?(\d{3})|(\d{3})[.\s-]?(\d{3})[.\s-]?(\d{3}))(?!\d)/gi;

/**
 * Valid enterprise numbers in a text, in the official form "0403.170.701", each once.
 * Record ids and registered numbers are removed first so their digits are not misread.
 */
export function enterpriseNumbersIn(s: string): string[] {
  // Only valid S10 numbers are removed: "BE403170701ci" is an enterprise number glued to a word.
  const cleaned = s.replace(UUID_RE, ' ').replace(S10_RE, (m) => (normaliseRegisteredNumber(m) ? ' ' : m));
  const out = new Set<string>();
  for (const m of cleaned.matchAll(ENTERPRISE_RE)) {
    const be = m[1] !== undefined;
    const digits = m[2] !== undefined ? `${m[2]}${m[3]}${m[4]}` : be ? `0${m[5]}${m[6]}${m[7]}` : null;
    if (!digits) continue;
    const check = checkEnterpriseNumber(digits);
    if (check.ok) out.add(check.formatted);
  }
  return [...out];
}

// --- dates --------------------------------------------------------------------------------

/** ISO date (YYYY-MM-DD) from YYYY-MM-DD or the Belgian DD/MM/YYYY (also with - or .), or null. */
export function parseManifestDate(raw: string): string | null {
  const s = raw.trim();
  let y: number, mo: number, d: number;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s))) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Today's date in Brussels (the date a clerk would write), from a clock reading. */
export function brusselsDate(ms: number): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

// --- the CSV manifest ---------------------------------------------------------------------

/** One line of the manifest: what it says about one file or one registered item. */
export interface ManifestRow {
  line: number;
  file: string | null;
  registeredNumber: string | null;
  enterpriseNumber: string | null;
  dossierId: string | null;
  date: string | null;
}

export interface ManifestProblem {
  line: number;
  column: string;
  messages: LocalizedText;
}

export type ManifestParse = { ok: true; rows: ManifestRow[] } | { ok: false; problems: ManifestProblem[] };

type Column = 'file' | 'registered' | 'enterprise' | 'dossier' | 'date';

// Header names as clerks and bpost's e-Tracker export write them, compared without accents,
// case, spaces, dots, dashes or underscores.
const HEADERS: Record<Column, string[]> = {
  file: ['file', 'filename', 'fichier', 'nomfichier', 'nomdufichier', 'bestand', 'bestandsnaam', 'scan'],
  registered: ['registerednumber', 'registered', 'numeroenvoi', 'nenvoi', 'noenvoi', 'numerodenvoi', 'recommande', 'envoi', 'zendingnummer', 'zending', 'aangetekende', 'barcode', 'codebarres', 'streepjescode', 'itemnumber', 'tracking'],
  enterprise: ['enterprisenumber', 'enterprise', 'bce', 'kbo', 'numeroentreprise', 'numerodentreprise', 'nbce', 'ondernemingsnummer', 'onderneming', 'tva', 'btw', 'vat'],
  dossier: ['dossier', 'dossierid', 'record', 'recordid', 'reference', 'referentie'],
  date: ['date', 'datum', 'datedepot', 'datedenvoi', 'dateenvoi', 'datereception', 'datedereception', 'afgiftedatum', 'verzenddatum', 'ontvangstdatum'],
};

const headerKey = (h: string): string => h.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[\s._\-°'’()]/g, '');

function splitCsvLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (c === sep) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/**
 * Reads the manifest: a header line, then one line per file or registered item. The separator
 * is `;` (what Excel writes in Belgium), `,` or a tab, whichever the header uses most. Columns,
 * any order, names in FR, NL or EN (see HEADERS): file name, registered number, enterprise
 * number, dossier id, date. A line names its file by `file`, or by a registered number that the
 * file's name contains. Any bad line refuses the whole manifest: it is an instruction list, and
 * half of it applied would be worse than none.
 */
export function parseManifest(content: string): ManifestParse {
  const lines = content.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  const problems: ManifestProblem[] = [];
  if (headerIndex < 0) {
    return { ok: false, problems: [{ line: 1, column: '', messages: text('Le manifeste CSV est vide.', 'Het CSV-manifest is leeg.', 'The CSV manifest is empty.') }] };
  }
  const header = lines[headerIndex] as string;
  const sep = [';', ',', '\t'].map((s) => ({ s, n: header.split(s).length })).sort((a, b) => b.n - a.n)[0]?.s ?? ';';
  const columns = splitCsvLine(header, sep).map((h) => {
    const k = headerKey(h);
    return (Object.keys(HEADERS) as Column[]).find((c) => HEADERS[c].includes(k)) ?? null;
  });
  if (!columns.includes('file') && !columns.includes('registered')) {
    return {
      ok: false,
      problems: [{
        line: headerIndex + 1, column: '',
        messages: text(
          'La première ligne du manifeste doit nommer les colonnes, dont « fichier » ou « numéro d’envoi » (et « BCE », « dossier » ou « date »).',
          'De eerste regel van het manifest moet de kolommen benoemen, waaronder "bestand" of "zendingnummer" (en "KBO", "dossier" of "datum").',
          'The manifest’s first line must name the columns, including "file" or "registered number" (and "enterprise number", "dossier" or "date").',
        ),
      }],
    };
  }
  const rows: ManifestRow[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === '' || splitCsvLine(raw, sep).every((c) => c === '')) continue;
    const cells = splitCsvLine(raw, sep);
    const line = i + 1;
    const cell = (c: Column): string => {
      const idx = columns.indexOf(c);
      return idx >= 0 ? (cells[idx] ?? '').trim() : '';
    };
    const row: ManifestRow = { line, file: cell('file') || null, registeredNumber: null, enterpriseNumber: null, dossierId: null, date: null };
    const reg = cell('registered');
    if (reg) {
      row.registeredNumber = normaliseRegisteredNumber(reg);
      if (!row.registeredNumber) {
        problems.push({ line, column: 'registered_number', messages: text(`Ligne ${line} : « ${reg} » n’est pas un numéro d’envoi recommandé valable (2 lettres, 9 chiffres dont le chiffre de contrôle, 2 lettres, p. ex. RR473124829BE).`, `Regel ${line}: "${reg}" is geen geldig nummer van een aangetekende zending (2 letters, 9 cijfers met het controlecijfer, 2 letters, bv. RR473124829BE).`, `Line ${line}: "${reg}" is not a valid registered mail number (2 letters, 9 digits including the check digit, 2 letters, e.g. RR473124829BE).`) });
      }
    }
    const ent = cell('enterprise');
    if (ent) {
      const check = checkEnterpriseNumber(ent);
      if (check.ok) row.enterpriseNumber = check.formatted;
      else problems.push({ line, column: 'enterprise_number', messages: text(`Ligne ${line} : « ${ent} » n’est pas un numéro d’entreprise valable.`, `Regel ${line}: "${ent}" is geen geldig ondernemingsnummer.`, `Line ${line}: "${ent}" is not a valid enterprise number.`) });
    }
    const dossier = cell('dossier');
    if (dossier) {
      const id = recordIdsIn(dossier)[0];
      if (id) row.dossierId = id;
      else problems.push({ line, column: 'dossier', messages: text(`Ligne ${line} : « ${dossier} » n’est pas une référence de dossier.`, `Regel ${line}: "${dossier}" is geen dossierreferentie.`, `Line ${line}: "${dossier}" is not a dossier reference.`) });
    }
    const date = cell('date');
    if (date) {
      row.date = parseManifestDate(date);
      if (!row.date) problems.push({ line, column: 'date', messages: text(`Ligne ${line} : la date « ${date} » n’est pas valable (JJ/MM/AAAA ou AAAA-MM-JJ).`, `Regel ${line}: de datum "${date}" is niet geldig (DD/MM/JJJJ of JJJJ-MM-DD).`, `Line ${line}: the date "${date}" is not valid (DD/MM/YYYY or YYYY-MM-DD).`) });
    }
    if (!row.file && !reg) {
      problems.push({ line, column: 'file', messages: text(`Ligne ${line} : indiquez le fichier ou le numéro d’envoi.`, `Regel ${line}: vermeld het bestand of het zendingnummer.`, `Line ${line}: give the file or the registered number.`) });
    }
    rows.push(row);
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows };
}

/** The manifest lines about this file: named by it, or by a registered number its name holds. */
export function manifestRowsFor(rows: readonly ManifestRow[], fileName: string): ManifestRow[] {
  const name = fileName.trim().toLowerCase();
  const byName = rows.filter((r) => r.file !== null && r.file.trim().toLowerCase() === name);
  if (byName.length) return byName;
  const numbers = new Set(registeredNumbersIn(fileName));
  return rows.filter((r) => r.file === null && r.registeredNumber !== null && numbers.has(r.registeredNumber));
}

/** Everything that may identify the dossier of one file. */
export interface FileClues {
  dossierIds: string[];
  registeredNumbers: string[];
  enterpriseNumbers: string[];
  /** From the manifest; null when it gives none. */
  date: string | null;
  /** S10-shaped numbers in the name whose check digit is wrong. */
  invalidRegisteredNumbers: string[];
}

/** The clues of a file: its name's identifiers plus those of its manifest lines. */
export function fileClues(fileName: string, rows: readonly ManifestRow[]): FileClues {
  const lines = manifestRowsFor(rows, fileName);
  const uniq = (xs: Array<string | null>): string[] => [...new Set(xs.filter((x): x is string => x !== null))];
  const dates = uniq(lines.map((r) => r.date));
  return {
    dossierIds: uniq([...lines.map((r) => r.dossierId), ...recordIdsIn(fileName)]),
    registeredNumbers: uniq([...lines.map((r) => r.registeredNumber), ...registeredNumbersIn(fileName)]),
    enterpriseNumbers: uniq([...lines.map((r) => r.enterpriseNumber), ...enterpriseNumbersIn(fileName)]),
    date: dates.length === 1 ? (dates[0] as string) : null,
    invalidRegisteredNumbers: invalidRegisteredNumbersIn(fileName),
  };
}
