/**
 * Signing census letters in a batch (TR-23, TR-26): the logged-in signer (alderman of finance,
 * municipal secretary) signs the latest PDF letter of each dossier with their PKCS#12, in one action.
 *
 * Each dossier, in the given order: read → sign (PAdES) → store the signed PDF (blob) → send the
 * engine's `approve` event (the approval records the decision, with the signed file's id in its
 * comment). The first failure stops the batch: that dossier and the ones after it are left
 * untouched (never approved without a stored signed PDF), and the result lists which succeeded.
 *
 * The PDF signed is the one the previous signer of the same signing round produced (so the
 * second signature is an incremental update over the first, both valid), else the last PDF of
 * the dossier's letters field.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { EngineError, ForbiddenError, NotFoundError, type LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import { openPadesSigner, PdfSignatureError, type PadesSigner } from '../../adapters/signature-pades';
import type { Config } from '../config/config';
import type { BlobStore } from '../ports/blob-store.port';
import type { RecordsService, RecordView } from './records.service';
import { certificatePath } from './demo-certificates';

/** Marks an approval comment carrying the signed PDF's blob id. */
const SIGNED_MARK = /\[signed-pdf:([0-9a-f]{64})\]/;
const SIGNING_STATE = 'signing';
/** Names the mail merge gives the tax regulation PDF it attaches (`reglement-taxe-signage.fr.pdf`). */
const REGULATION_FILE = /^(reglement-taxe|belastingreglement)-/i;

export type SignatureItemStatus = 'signed' | 'failed' | 'not-processed';

export interface SignatureItemResult {
  recordId: string;
  status: SignatureItemStatus;
  /** The signed PDF in the blob store (signed only). */
  signedFile?: { id: string; name: string; size: number; contentType: 'application/pdf' };
  /** The letter that was signed (blob id). */
  sourceFileId?: string;
  /** The dossier's version after the approval (signed only). */
  version?: number;
  /** Whether this signature completed the approval (the dossier left `signing`). */
  completed?: boolean;
  error?: { code: string; message: LocalizedText };
}

export interface SignatureBatch {
  id: string;
  signer: { id: string; commonName: string };
  at: string;
  fileField: string;
  summary: Record<SignatureItemStatus, number>;
  results: SignatureItemResult[];
}

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

/** Why one dossier of a batch was not signed (reported in its result, the batch goes on answering 200). */
export class SignatureItemError extends Error {
  constructor(readonly code: 'not-awaiting-signature' | 'no-letter' | 'letter-missing' | 'unsignable-pdf', readonly localized: LocalizedText) {
    super(localized.en ?? localized.fr);
  }
}

interface FileValue {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

function isFileValue(v: unknown): v is FileValue {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o['id'] === 'string' && typeof o['name'] === 'string' && typeof o['contentType'] === 'string';
}

export class SignatureService {
  private readonly signers = new Map<string, PadesSigner>();
  private readonly batches = new Map<string, SignatureBatch>();

  constructor(
    private readonly deps: {
      records: RecordsService;
      blobs: BlobStore;
      config: Pick<Config, 'certificatesDir' | 'demoCertPassword'>;
      clock: () => number;
      /** Signature place shown in the PDF. */
      location?: string;
    },
  ) {}

  /** The signer's PKCS#12, read once; 403 for a user who has no signing certificate. */
  signerFor(actor: Actor): PadesSigner {
    const cached = this.signers.get(actor.id);
    if (cached) return cached;
    const path = certificatePath(this.deps.config.certificatesDir, actor.id);
    if (!existsSync(path)) {
      throw new ForbiddenError(
        text('Vous n’avez pas de certificat de signature : vous ne pouvez pas signer de courriers.', 'U hebt geen handtekeningcertificaat: u kunt geen brieven ondertekenen.', 'You have no signing certificate: you may not sign letters.'),
        { reason: 'no-certificate' },
      );
    }
    const signer = openPadesSigner(readFileSync(path), this.deps.config.demoCertPassword);
    this.signers.set(actor.id, signer);
    return signer;
  }

  async signBatch(actor: Actor, recordIds: string[], fileField = 'letters'): Promise<SignatureBatch> {
    const signer = this.signerFor(actor);
    const results: SignatureItemResult[] = [];
    let stopped = false;
    for (const recordId of recordIds) {
      if (stopped) {
        results.push({ recordId, status: 'not-processed' });
        continue;
      }
      try {
        results.push(await this.signOne(actor, signer, recordId, fileField));
      } catch (e) {
        results.push({ recordId, status: 'failed', error: describe(e) });
        stopped = true;
      }
    }
    const summary: Record<SignatureItemStatus, number> = { signed: 0, failed: 0, 'not-processed': 0 };
    for (const r of results) summary[r.status] += 1;
    const batch: SignatureBatch = { id: randomUUID(), signer: { id: actor.id, commonName: signer.commonName }, at: new Date(this.deps.clock()).toISOString(), fileField, summary, results };
    this.batches.set(batch.id, batch);
    // Results are for the screen that asked: keep the last few hundred batches.
    if (this.batches.size > 500) this.batches.delete(this.batches.keys().next().value ?? '');
    return batch;
  }

  /** A batch's results, for the signer who ran it. */
  batch(actor: Actor, id: string): SignatureBatch {
    const b = this.batches.get(id);
    if (!b || b.signer.id !== actor.id) throw new NotFoundError(text(`Le lot de signatures ${id} n’existe pas.`, `Handtekeningbatch ${id} bestaat niet.`, `Signature batch ${id} does not exist.`), { id });
    return b;
  }

  /** The signer's batches, newest first. */
  listBatches(actor: Actor): SignatureBatch[] {
    return [...this.batches.values()].filter((b) => b.signer.id === actor.id).reverse();
  }

  /** The PDF to sign now: this signing round's last signed version, else the dossier's last PDF letter. */
  letterToSign(actor: Actor, record: RecordView, fileField: string): { id: string; name: string } {
    const history = this.deps.records.history(actor, record.id);
    let roundStart = 0;
    history.forEach((h, i) => {
      if (h.toStates.includes(SIGNING_STATE) && !h.fromStates.includes(SIGNING_STATE)) roundStart = i;
    });
    const letters = this.letters(record, fileField);
    const baseName = letters[letters.length - 1]?.name ?? 'letter.pdf';
    for (let i = history.length - 1; i > roundStart; i--) {
      const h = history[i];
      const comment = h?.eventType === 'approve' ? h.data['comment'] : undefined;
      const m = typeof comment === 'string' ? SIGNED_MARK.exec(comment) : null;
      if (m?.[1]) return { id: m[1], name: baseName };
    }
    const last = letters[letters.length - 1];
    if (!last) {
      throw new SignatureItemError(
        'no-letter',
        text(`Le dossier ${record.id} n’a pas de courrier PDF à signer (champ « ${fileField} »).`, `Het dossier ${record.id} heeft geen PDF-brief om te ondertekenen (veld "${fileField}").`, `Dossier ${record.id} has no PDF letter to sign (field "${fileField}").`),
      );
    }
    return { id: last.id, name: last.name };
  }

  private letters(record: RecordView, fileField: string): FileValue[] {
    const value = record.fields[fileField];
    const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    return list
      .filter(isFileValue)
      .filter((f) => f.contentType === 'application/pdf' || f.name.toLowerCase().endsWith('.pdf'))
      // The tax regulation the mail merge attaches next to the letter is not signed.
      .filter((f) => !REGULATION_FILE.test(f.name));
  }

  private async signOne(actor: Actor, signer: PadesSigner, recordId: string, fileField: string): Promise<SignatureItemResult> {
    // 1. May this user approve this dossier now? (read access, the signing step, not signed yet)
    const record = this.deps.records.get(actor, recordId);
    if (!(record.events ?? []).some((e) => e.type === 'approve')) {
      throw new SignatureItemError(
        'not-awaiting-signature',
        text(
          `Le dossier ${recordId} n’attend pas votre signature (état : ${record.states.join(', ')}).`,
          `Het dossier ${recordId} wacht niet op uw handtekening (toestand: ${record.states.join(', ')}).`,
          `Dossier ${recordId} is not awaiting your signature (state: ${record.states.join(', ')}).`,
        ),
      );
    }
    // 2. Sign the letter.
    const source = this.letterToSign(actor, record, fileField);
    const pdf = await this.deps.blobs.get(source.id);
    if (!pdf) throw new SignatureItemError('letter-missing', text(`Le fichier ${source.name} du dossier ${recordId} est introuvable.`, `Het bestand ${source.name} van dossier ${recordId} is niet gevonden.`, `The file ${source.name} of dossier ${recordId} is missing.`));
    let signed: Buffer;
    try {
      signed = await signer.sign(pdf, { reason: 'Approbation du courrier / Goedkeuring van de brief', location: this.deps.location ?? 'Bruxelles / Brussel', signingTime: new Date(this.deps.clock()) });
    } catch (e) {
      if (!(e instanceof PdfSignatureError)) throw e;
      throw new SignatureItemError(
        'unsignable-pdf',
        text(
          `Le courrier « ${source.name} » du dossier ${recordId} n’a pas pu être signé (PDF endommagé ?) : ${e.message}`,
          `De brief "${source.name}" van dossier ${recordId} kon niet worden ondertekend (beschadigde PDF?): ${e.message}`,
          `The letter "${source.name}" of dossier ${recordId} could not be signed (damaged PDF?): ${e.message}`,
        ),
      );
    }
    // 3. Store it (durable before the approval refers to it).
    const stored = await this.deps.blobs.put(signed);
    const name = source.name.replace(/(\.signed)?\.pdf$/i, '') + '.signed.pdf';
    // 4. Approve: the decision is recorded with the signed file; the version check refuses a dossier changed meanwhile.
    const after = await this.deps.records.send(actor, recordId, {
      type: 'approve',
      data: { comment: `Courrier signé électroniquement / Brief elektronisch ondertekend — ${name} [signed-pdf:${stored.id}]` },
      expectedVersion: record.version,
    });
    return {
      recordId,
      status: 'signed',
      signedFile: { id: stored.id, name, size: stored.size, contentType: 'application/pdf' },
      sourceFileId: source.id,
      version: after.version,
      completed: !after.states.includes(SIGNING_STATE),
    };
  }
}

function describe(e: unknown): { code: string; message: LocalizedText } {
  if (e instanceof EngineError || e instanceof SignatureItemError) return { code: e.code, message: e.localized };
  const msg = e instanceof Error ? e.message : String(e);
  return { code: 'signature-failed', message: text(`La signature a échoué : ${msg}`, `Het ondertekenen is mislukt: ${msg}`, `Signing failed: ${msg}`) };
}
