/**
 * Registered mail of the census (TR-45, TR-46; issue 5 parts 6 and 7): the bpost proofs of
 * sending and of receipt, and the returned declaration forms, uploaded in batches and matched
 * to their dossiers (runtime/services/dossier-matching.ts).
 *
 *  - `sending`: the scan goes to `proof_of_sending`, the registered number to
 *    `registered_number`, and `send-registered-mail` is sent when the dossier is `signed`
 *    (that event starts the 15-day return deadline). A proof for a letter already marked sent
 *    is only attached.
 *  - `receipt`: the scan goes to `proof_of_receipt`, `received_by_taxpayer_on` gets the
 *    manifest's date (else the one already there, else today in Brussels). Only for a dossier
 *    whose letter was sent.
 *  - `return`: the forms go to `returned_forms`; `return-received` is sent when the dossier's
 *    state accepts it (awaiting-return, late); otherwise they are only attached and the result
 *    says why.
 *
 * PER DOSSIER, files and fields are ONE `update` event (one history entry, applied together or
 * not at all), then the process event. The two are separate commits: RecordsService applies one
 * event per transaction. A failure in between leaves the files without the event, which the
 * agent sees (the dossier is still `signed` with its proof) and which the same request retried
 * with its Idempotency-Key completes: each step is keyed, so a retry does nothing twice.
 * Without a key a retry is harmless too: files are stored by content and one already in the
 * field is not added again, and the event is no longer offered once applied.
 *
 * PER FILE, a result: the dossier and what was done, or why nothing was (no match, several
 * matches, identifiers that disagree, wrong state, type, size), in French, Dutch and English.
 * A refused file does not stop the others.
 */
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import { acceptedType, addFilesAndFields, cleanFileName, filesOf, type FileValue, type FilesCommit, type FilesRuntime, type SpooledFile, type UploadLimits } from './record-files.service';
import type { RecordView } from './records.service';
import { brusselsDate, fileClues, type FileClues, type ManifestRow } from './dossier-matching';

export type BatchKind = 'sending' | 'receipt' | 'return';
export const BATCH_KINDS: readonly BatchKind[] = ['sending', 'receipt', 'return'];

export const DOSSIER = 'dossier';
const F = {
  registered: 'registered_number',
  enterprise: 'enterprise_number',
  sentOn: 'letter_sent_on',
  /** The posting date from the deposit list: the 15-day deadline counts from it. */
  depositedOn: 'deposited_on',
  receivedOn: 'received_by_taxpayer_on',
} as const;

const SCAN_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff', 'image/heic', 'image/heif'];
// Returned forms may also be the filled-in declaration itself (Word, Excel, OpenDocument).
const FORM_TYPES = [
  ...SCAN_TYPES, 'application/msword', 'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet',
];

interface KindSpec {
  field: string;
  event: string | null;
  types: readonly string[];
  what: LocalizedText;
}

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

export const KINDS: Record<BatchKind, KindSpec> = {
  sending: { field: 'proof_of_sending', event: 'send-registered-mail', types: SCAN_TYPES, what: text('preuve de dépôt', 'afgiftebewijs', 'proof of sending') },
  receipt: { field: 'proof_of_receipt', event: null, types: SCAN_TYPES, what: text('accusé de réception', 'ontvangstbewijs', 'proof of receipt') },
  return: { field: 'returned_forms', event: 'return-received', types: FORM_TYPES, what: text('formulaire retourné', 'teruggestuurd formulier', 'returned form') },
};

export const DEFAULT_BATCH_LIMITS: UploadLimits = { maxFileBytes: 25 * 1024 * 1024, maxFiles: 100 };

export type FileOutcome = 'applied' | 'attached-only' | 'already-done' | 'refused';

export interface DossierRef {
  id: string;
  title: string | null;
  enterpriseNumber: string | null;
}

export interface FileResult {
  index: number;
  file: string;
  outcome: FileOutcome;
  /** Stable code: `applied`, `attached-only`, `already-done`, or the refusal's reason. */
  code: string;
  dossier: DossierRef | null;
  registeredNumber: string | null;
  /** The event sent to the dossier because of this batch, if any. */
  event: string | null;
  message: LocalizedText;
}

export interface BatchResult {
  kind: BatchKind;
  results: FileResult[];
  counts: Record<FileOutcome, number>;
}

const title = (r: RecordView): string => r.title ?? r.id;
const ref = (r: RecordView): DossierRef => ({ id: r.id, title: r.title, enterpriseNumber: typeof r.fields[F.enterprise] === 'string' ? (r.fields[F.enterprise] as string) : null });
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const may = (r: RecordView, event: string): boolean => r.events?.some((e) => e.type === event) === true;

/** Sends the event when the record offers it to this actor now; the refusal's reason otherwise. */
export async function sendIfOffered(rt: FilesRuntime, actor: Actor, record: RecordView, event: string, data: Record<string, unknown>, idempotencyKey?: string): Promise<{ record: RecordView; sent: boolean; why: LocalizedText | null }> {
  if (!may(record, event)) return { record, sent: false, why: notOffered(record, event) };
  try {
    const view = await rt.records.send(actor, record.id, { type: event, data, ...(idempotencyKey ? { idempotencyKey } : {}) }, { withEvents: true });
    return { record: view, sent: view.version !== record.version, why: null };
  } catch (e) {
    // Another agent moved the dossier between the read and the event: the files stay, the event is not due.
    if (e instanceof ConflictError || e instanceof ValidationError || e instanceof ForbiddenError) return { record: rt.records.get(actor, record.id), sent: false, why: e.localized };
    throw e;
  }
}

function notOffered(record: RecordView, event: string): LocalizedText {
  const state = record.reason ?? record.statusLabel ?? { fr: record.status, nl: record.status };
  return text(
    `le dossier est à l’étape « ${state.fr} » : l’action « ${event} » n’y est pas prévue`,
    `het dossier is in de fase "${state.nl}": de actie "${event}" is daar niet voorzien`,
    `the dossier is at "${state.en ?? state.fr}": the action "${event}" does not apply there`,
  );
}

// --- matching ------------------------------------------------------------------------------

type Resolution = { ok: true; record: RecordView; registeredNumber: string | null } | { ok: false; code: string; message: LocalizedText; dossier?: RecordView };

function refuse(code: string, message: LocalizedText, dossier?: RecordView): Resolution {
  return dossier ? { ok: false, code, message, dossier } : { ok: false, code, message };
}

/** Whether a dossier is where this kind of proof is expected (used to pick among several). */
function expects(kind: BatchKind, r: RecordView): boolean {
  if (kind === 'sending') return may(r, 'send-registered-mail');
  if (kind === 'receipt') return str(r.fields[F.sentOn]) !== null && str(r.fields[F.receivedOn]) === null;
  return may(r, 'return-received');
}

/** Why this kind of proof cannot go to this dossier now, or null. */
function stateProblem(kind: BatchKind, r: RecordView): Resolution | null {
  if (r.done || !may(r, 'update')) {
    return refuse('dossier-closed', text(`Le dossier « ${title(r)} » est clôturé ou vous ne pouvez pas le modifier : rien n’a été ajouté.`, `Het dossier "${title(r)}" is afgesloten of u mag het niet wijzigen: er werd niets toegevoegd.`, `The dossier "${title(r)}" is closed or you may not change it: nothing was added.`), r);
  }
  const state = r.reason ?? r.statusLabel ?? { fr: r.status, nl: r.status };
  if (kind === 'sending' && !may(r, 'send-registered-mail') && str(r.fields[F.sentOn]) === null) {
    return refuse('wrong-state', text(`Le courrier du dossier « ${title(r)} » n’est pas prêt à l’envoi (étape « ${state.fr} ») : il doit d’abord être signé. Rien n’a été ajouté.`, `De brief van het dossier "${title(r)}" is niet klaar voor verzending (fase "${state.nl}"): hij moet eerst ondertekend worden. Er werd niets toegevoegd.`, `The letter of dossier "${title(r)}" is not ready to send (step "${state.en ?? state.fr}"): it must be signed first. Nothing was added.`), r);
  }
  if (kind === 'receipt' && str(r.fields[F.sentOn]) === null) {
    return refuse('wrong-state', text(`Aucun recommandé n’a encore été envoyé pour le dossier « ${title(r)} » (étape « ${state.fr} ») : l’accusé de réception ne peut pas y être joint. Rien n’a été ajouté.`, `Voor het dossier "${title(r)}" werd nog geen aangetekende zending verstuurd (fase "${state.nl}"): het ontvangstbewijs kan er niet bij. Er werd niets toegevoegd.`, `No registered letter was sent yet for dossier "${title(r)}" (step "${state.en ?? state.fr}"): the proof of receipt cannot be added. Nothing was added.`), r);
  }
  return null;
}

function list(rt: FilesRuntime, actor: Actor, field: string, value: string): RecordView[] {
  const { items } = rt.records.list(actor, { recordType: DOSSIER, fieldFilters: { [field]: value }, sort: 'createdAt', direction: 'asc', limit: 50, offset: 0 });
  // The list view has no events: read each again for what this actor may do now.
  return items.map((r) => rt.records.get(actor, r.id));
}

function byId(rt: FilesRuntime, actor: Actor, id: string): RecordView | null {
  try {
    const r = rt.records.get(actor, id);
    return r.recordType === DOSSIER ? r : null;
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

/** The dossier of one file, from its clues, or why there is none. */
export function resolveDossier(rt: FilesRuntime, actor: Actor, kind: BatchKind, fileName: string, clues: FileClues): Resolution {
  const name = fileName;
  if (clues.dossierIds.length > 1 || (kind === 'sending' && clues.registeredNumbers.length > 1)) {
    return refuse('several-identifiers', text(`« ${name} » mentionne plusieurs dossiers ou numéros d’envoi (${[...clues.dossierIds, ...clues.registeredNumbers].join(', ')}) : un fichier par dossier. Rien n’a été ajouté.`, `"${name}" vermeldt meerdere dossiers of zendingnummers (${[...clues.dossierIds, ...clues.registeredNumbers].join(', ')}): één bestand per dossier. Er werd niets toegevoegd.`, `"${name}" names several dossiers or registered numbers (${[...clues.dossierIds, ...clues.registeredNumbers].join(', ')}): one file per dossier. Nothing was added.`));
  }
  let candidates: RecordView[] = [];
  let how: 'id' | 'registered' | 'enterprise' | null = null;
  const id = clues.dossierIds[0];
  if (id) {
    const r = byId(rt, actor, id);
    if (!r) return refuse('unknown-dossier', text(`« ${name} » : le dossier ${id} n’existe pas. Rien n’a été ajouté.`, `"${name}": het dossier ${id} bestaat niet. Er werd niets toegevoegd.`, `"${name}": dossier ${id} does not exist. Nothing was added.`));
    candidates = [r];
    how = 'id';
  }
  if (!how && clues.registeredNumbers.length) {
    const found = new Map<string, RecordView>();
    for (const n of clues.registeredNumbers) for (const r of list(rt, actor, F.registered, n)) found.set(r.id, r);
    if (found.size) {
      candidates = [...found.values()];
      how = 'registered';
    }
  }
  if (!how && clues.enterpriseNumbers.length) {
    const found = new Map<string, RecordView>();
    for (const n of clues.enterpriseNumbers) for (const r of list(rt, actor, F.enterprise, n)) if (!r.done) found.set(r.id, r);
    if (found.size) {
      candidates = [...found.values()];
      how = 'enterprise';
    }
  }
  if (!how || candidates.length === 0) {
    const typo = clues.invalidRegisteredNumbers.length
      ? text(` Le numéro ${clues.invalidRegisteredNumbers.join(', ')} a un chiffre de contrôle erroné.`, ` Het nummer ${clues.invalidRegisteredNumbers.join(', ')} heeft een fout controlecijfer.`, ` The number ${clues.invalidRegisteredNumbers.join(', ')} has a wrong check digit.`)
      : text('', '', '');
    const looked = [...clues.registeredNumbers, ...clues.enterpriseNumbers];
    return refuse('no-match', text(
      `Aucun dossier trouvé pour « ${name} »${looked.length ? ` (${looked.join(', ')})` : ''} : nommez le fichier avec le numéro d’envoi, le numéro d’entreprise ou la référence du dossier, ou ajoutez-le au manifeste.${typo.fr} Rien n’a été ajouté.`,
      `Geen dossier gevonden voor "${name}"${looked.length ? ` (${looked.join(', ')})` : ''}: geef het bestand het zendingnummer, het ondernemingsnummer of de dossierreferentie als naam, of zet het in het manifest.${typo.nl} Er werd niets toegevoegd.`,
      `No dossier found for "${name}"${looked.length ? ` (${looked.join(', ')})` : ''}: name the file with the registered number, the enterprise number or the dossier reference, or add it to the manifest.${typo.en ?? ''} Nothing was added.`,
    ));
  }
  let chosen: RecordView | undefined = candidates.length === 1 ? candidates[0] : undefined;
  if (!chosen) {
    const open = candidates.filter((r) => !r.done);
    const expected = open.filter((r) => expects(kind, r));
    chosen = expected.length === 1 ? expected[0] : open.length === 1 ? open[0] : undefined;
  }
  if (!chosen) {
    const fr = candidates.map((r) => `« ${title(r)} » (${r.id})`).join(', ');
    const q = candidates.map((r) => `"${title(r)}" (${r.id})`).join(', ');
    return refuse('several-dossiers', text(
      `« ${name} » correspond à ${candidates.length} dossiers : ${fr}. Ajoutez la référence du dossier au nom du fichier ou au manifeste. Rien n’a été ajouté.`,
      `"${name}" past bij ${candidates.length} dossiers: ${q}. Voeg de dossierreferentie toe aan de bestandsnaam of aan het manifest. Er werd niets toegevoegd.`,
      `"${name}" matches ${candidates.length} dossiers: ${q}. Add the dossier reference to the file name or the manifest. Nothing was added.`,
    ));
  }
  const r = chosen;
  // A file named for one company must not land on another's dossier.
  const ent = str(r.fields[F.enterprise]);
  if (ent && clues.enterpriseNumbers.length && !clues.enterpriseNumbers.includes(ent)) {
    return refuse('identifiers-disagree', text(`« ${name} » mentionne le numéro d’entreprise ${clues.enterpriseNumbers.join(', ')}, mais le dossier « ${title(r)} » a le ${ent}. Rien n’a été ajouté.`, `"${name}" vermeldt ondernemingsnummer ${clues.enterpriseNumbers.join(', ')}, maar het dossier "${title(r)}" heeft ${ent}. Er werd niets toegevoegd.`, `"${name}" names enterprise number ${clues.enterpriseNumbers.join(', ')}, but dossier "${title(r)}" has ${ent}. Nothing was added.`), r);
  }
  const reg = str(r.fields[F.registered]);
  if (reg && clues.registeredNumbers.length && !clues.registeredNumbers.includes(reg)) {
    return refuse('identifiers-disagree', text(`« ${name} » mentionne le numéro d’envoi ${clues.registeredNumbers.join(', ')}, mais le dossier « ${title(r)} » a le recommandé ${reg}. Rien n’a été ajouté.`, `"${name}" vermeldt zendingnummer ${clues.registeredNumbers.join(', ')}, maar het dossier "${title(r)}" heeft de aangetekende zending ${reg}. Er werd niets toegevoegd.`, `"${name}" names registered number ${clues.registeredNumbers.join(', ')}, but dossier "${title(r)}" has registered letter ${reg}. Nothing was added.`), r);
  }
  const problem = stateProblem(kind, r);
  if (problem) return problem;
  return { ok: true, record: r, registeredNumber: kind === 'sending' ? clues.registeredNumbers[0] ?? null : reg };
}

// --- the batch -----------------------------------------------------------------------------

const mb = (bytes: number): string => String(Math.round((bytes / (1024 * 1024)) * 10) / 10);

function fileProblem(kind: BatchKind, f: SpooledFile, name: string, limits: UploadLimits): { code: string; message: LocalizedText } | null {
  if (f.truncated || f.size > limits.maxFileBytes) {
    return { code: 'file-too-large', message: text(`« ${name} » dépasse ${mb(limits.maxFileBytes)} Mo : il n’a pas été ajouté.`, `"${name}" is groter dan ${mb(limits.maxFileBytes)} MB: het werd niet toegevoegd.`, `"${name}" is larger than ${mb(limits.maxFileBytes)} MB: it was not added.`) };
  }
  if (f.size === 0) return { code: 'empty-file', message: text(`« ${name} » est vide : il n’a pas été ajouté.`, `"${name}" is leeg: het werd niet toegevoegd.`, `"${name}" is empty: it was not added.`) };
  const type = acceptedType(name, f.contentType, f.head);
  if (!type || !KINDS[kind].types.includes(type)) {
    return kind === 'return'
      ? { code: 'unsupported-file-type', message: text(`« ${name} » n’est pas d’un type accepté (PDF, image, Word, Excel ou OpenDocument) : il n’a pas été ajouté.`, `"${name}" is geen aanvaard type (PDF, afbeelding, Word, Excel of OpenDocument): het werd niet toegevoegd.`, `"${name}" is not an accepted type (PDF, image, Word, Excel or OpenDocument): it was not added.`) }
      : { code: 'unsupported-file-type', message: text(`« ${name} » n’est pas un scan accepté (PDF, JPEG, PNG, TIFF ou HEIC) : il n’a pas été ajouté.`, `"${name}" is geen aanvaarde scan (PDF, JPEG, PNG, TIFF of HEIC): het werd niet toegevoegd.`, `"${name}" is not an accepted scan (PDF, JPEG, PNG, TIFF or HEIC): it was not added.`) };
  }
  return null;
}

export interface BatchInput {
  kind: BatchKind;
  files: SpooledFile[];
  manifest: ManifestRow[];
  idempotencyKey?: string;
  limits?: UploadLimits;
  clock: () => number;
}

interface Accepted {
  index: number;
  name: string;
  file: SpooledFile;
  registeredNumber: string | null;
  date: string | null;
}

/** Matches every file, then applies each dossier's files, fields and event; one result per file. */
export async function processBatch(rt: FilesRuntime, actor: Actor, input: BatchInput): Promise<BatchResult> {
  const { kind } = input;
  const spec = KINDS[kind];
  const limits = input.limits ?? DEFAULT_BATCH_LIMITS;
  const results: FileResult[] = [];
  const groups = new Map<string, { record: RecordView; files: Accepted[] }>();

  input.files.forEach((f, index) => {
    const name = cleanFileName(f.name);
    const bad = fileProblem(kind, f, name, limits);
    if (bad) {
      results.push({ index, file: name, outcome: 'refused', code: bad.code, dossier: null, registeredNumber: null, event: null, message: bad.message });
      return;
    }
    const clues = fileClues(name, input.manifest);
    const found = resolveDossier(rt, actor, kind, name, clues);
    if (!found.ok) {
      results.push({ index, file: name, outcome: 'refused', code: found.code, dossier: found.dossier ? ref(found.dossier) : null, registeredNumber: null, event: null, message: found.message });
      return;
    }
    const group = groups.get(found.record.id) ?? { record: found.record, files: [] };
    group.files.push({ index, name, file: f, registeredNumber: found.registeredNumber, date: clues.date });
    groups.set(found.record.id, group);
  });

  for (const [dossierId, group] of groups) {
    results.push(...(await applyGroup(rt, actor, kind, spec, dossierId, group.record, group.files, input)));
  }
  results.sort((a, b) => a.index - b.index);
  const counts: Record<FileOutcome, number> = { applied: 0, 'attached-only': 0, 'already-done': 0, refused: 0 };
  for (const r of results) counts[r.outcome]++;
  return { kind, results, counts };
}

async function applyGroup(rt: FilesRuntime, actor: Actor, kind: BatchKind, spec: KindSpec, dossierId: string, record: RecordView, files: Accepted[], input: BatchInput): Promise<FileResult[]> {
  const refusedAll = (code: string, message: LocalizedText): FileResult[] =>
    files.map((a) => ({ index: a.index, file: a.name, outcome: 'refused', code, dossier: ref(record), registeredNumber: null, event: null, message }));

  // Two scans of one dossier carrying different numbers: which one is right is for a person to say.
  const numbers = [...new Set(files.map((a) => a.registeredNumber).filter((n): n is string => n !== null))];
  if (kind === 'sending' && numbers.length > 1) {
    return refusedAll('several-identifiers', text(`Ces fichiers du dossier « ${title(record)} » portent des numéros d’envoi différents (${numbers.join(', ')}). Rien n’a été ajouté.`, `Deze bestanden van het dossier "${title(record)}" hebben verschillende zendingnummers (${numbers.join(', ')}). Er werd niets toegevoegd.`, `These files of dossier "${title(record)}" carry different registered numbers (${numbers.join(', ')}). Nothing was added.`));
  }
  const registeredNumber = kind === 'sending' ? numbers[0] ?? str(record.fields[F.registered]) : str(record.fields[F.registered]);
  const dates = [...new Set(files.map((a) => a.date).filter((d): d is string => d !== null))];
  const fields: Record<string, unknown> = {};
  if (kind === 'sending' && registeredNumber) fields[F.registered] = registeredNumber;
  if (kind === 'sending' && dates[0]) fields[F.depositedOn] = dates[0];
  if (kind === 'receipt') fields[F.receivedOn] = dates[0] ?? str(record.fields[F.receivedOn]) ?? brusselsDate(input.clock());

  const keyFor = (step: string): string | undefined => (input.idempotencyKey ? `registered-mail:${kind}:${actor.id}:${input.idempotencyKey}:${dossierId}:${step}` : undefined);
  let commit: FilesCommit;
  let event: { sent: boolean; why: LocalizedText | null } = { sent: false, why: null };
  const values: FileValue[] = [];
  try {
    for (const a of files) {
      const { id, size } = await rt.blobs.putFile(a.file.path, a.file.sha256);
      values.push({ id, name: a.name, size, contentType: acceptedType(a.name, a.file.contentType, a.file.head) ?? 'application/octet-stream' });
    }
    commit = await addFilesAndFields(rt, actor, dossierId, spec.field, values, fields, keyFor('update'));
    if (spec.event) {
      const data: Record<string, unknown> = kind === 'sending' && registeredNumber ? { [F.registered]: registeredNumber } : {};
      const sent = await sendIfOffered(rt, actor, commit.record, spec.event, data, keyFor('event'));
      event = { sent: sent.sent, why: sent.sent ? null : sent.why };
      commit = { ...commit, record: sent.record };
    }
  } catch (e) {
    if (e instanceof ConflictError || e instanceof ValidationError || e instanceof ForbiddenError || e instanceof NotFoundError) {
      return refusedAll(e instanceof ValidationError ? 'invalid' : e.code, text(`${e.localized.fr} Rien n’a été ajouté au dossier « ${title(record)} ».`, `${e.localized.nl} Er werd niets toegevoegd aan het dossier "${title(record)}".`, `${e.localized.en ?? e.localized.fr} Nothing was added to dossier "${title(record)}".`));
    }
    throw e;
  }

  const addedIds = new Set(commit.added.map((f) => f.id));
  const done = commit.record;
  const fieldsOrEvent = commit.changed.length > 0 || event.sent;
  return files.map((a, i): FileResult => {
    const changedSomething = addedIds.has(values[i]?.id ?? '') || fieldsOrEvent;
    const base = { index: a.index, file: a.name, dossier: ref(done), registeredNumber: kind === 'sending' ? registeredNumber : str(done.fields[F.registered]), event: event.sent && spec.event ? spec.event : null };
    if (!changedSomething) {
      return { ...base, outcome: 'already-done', code: 'already-done', message: text(`« ${a.name} » était déjà dans le dossier « ${title(done)} » : rien n’a changé.`, `"${a.name}" zat al in het dossier "${title(done)}": er is niets veranderd.`, `"${a.name}" was already in dossier "${title(done)}": nothing changed.`) };
    }
    const parts = describe(kind, spec, done, registeredNumber, event.sent);
    if (spec.event && !event.sent && kind === 'return') {
      const why = event.why ?? notOffered(done, spec.event);
      return { ...base, outcome: 'attached-only', code: 'attached-only', message: text(`« ${a.name} » ajouté au dossier « ${title(done)} » (${parts.fr}), sans « Retour reçu » : ${why.fr}.`, `"${a.name}" toegevoegd aan het dossier "${title(done)}" (${parts.nl}), zonder "Terugzending ontvangen": ${why.nl}.`, `"${a.name}" added to dossier "${title(done)}" (${parts.en}), without "Return received": ${why.en ?? why.fr}.`) };
    }
    return { ...base, outcome: 'applied', code: 'applied', message: text(`« ${a.name} » ajouté au dossier « ${title(done)} » : ${parts.fr}.`, `"${a.name}" toegevoegd aan het dossier "${title(done)}": ${parts.nl}.`, `"${a.name}" added to dossier "${title(done)}": ${parts.en}.`) };
  });
}

function describe(kind: BatchKind, spec: KindSpec, r: RecordView, registeredNumber: string | null, eventSent: boolean): { fr: string; nl: string; en: string } {
  const fr: string[] = [spec.what.fr];
  const nl: string[] = [spec.what.nl];
  const en: string[] = [spec.what.en ?? spec.what.fr];
  if (kind === 'sending') {
    if (registeredNumber) {
      fr.push(`n° d’envoi ${registeredNumber}`);
      nl.push(`zendingnummer ${registeredNumber}`);
      en.push(`registered number ${registeredNumber}`);
    }
    if (eventSent) {
      fr.push('recommandé marqué envoyé, délai de retour de 15 jours en cours');
      nl.push('aangetekende zending als verzonden gemarkeerd, terugzendtermijn van 15 dagen loopt');
      en.push('registered letter marked sent, 15-day return period running');
    } else {
      fr.push('recommandé déjà marqué envoyé');
      nl.push('aangetekende zending was al als verzonden gemarkeerd');
      en.push('registered letter was already marked sent');
    }
  }
  if (kind === 'receipt') {
    const on = str(r.fields[F.receivedOn]) ?? '';
    fr.push(`reçu par le redevable le ${on}`);
    nl.push(`ontvangen door de belastingplichtige op ${on}`);
    en.push(`received by the taxpayer on ${on}`);
  }
  if (kind === 'return' && eventSent) {
    fr.push('retour enregistré, dossier en analyse');
    nl.push('terugzending geregistreerd, dossier in analyse');
    en.push('return recorded, dossier under analysis');
  }
  return { fr: fr.join(', '), nl: nl.join(', '), en: en.join(', ') };
}
