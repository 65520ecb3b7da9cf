/**
 * Work notes on a record (TR-6, TR-7), for any record type: the agent's own remarks on the
 * dossier screen, apart from the record's fields.
 *
 * Who may do what:
 * - read the notes: whoever reads the record;
 * - add a note: whoever may update records of that type (the `update` permission of the pack's
 *   roles), also on a closed record (a remark after closing is still worth keeping);
 * - edit a note: its author only (a note says what its author wrote), or a pack admin (to take
 *   out, say, personal data written by mistake). Every earlier text is kept with who wrote it
 *   and when, so an edit never erases what was there.
 *
 * Notes are not record events: an event moves the record's version, and a colleague's note
 * would then make an agent's pending field edit fail as stale. They keep their own trail
 * (`revisions`) instead, shown as "edited" on the screen.
 */
import { randomUUID } from 'node:crypto';
import { hasRecordPermission, isAdmin } from '../../engine/access';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import type { NoteRow, RecordStore } from '../ports/record-store.port';
import type { PacksService } from './packs.service';
import type { RecordsService } from './records.service';

export const MAX_NOTE_CHARS = 20_000;
const MAX_KEY_CHARS = 200;

export interface NotesDeps {
  store: RecordStore;
  packs: PacksService;
  records: RecordsService;
}

/** A note as the screen shows it. */
export interface NoteView extends NoteRow {
  edited: boolean;
  /** The caller may edit it (author or admin, with update rights). */
  mayEdit: boolean;
}

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

/** What is wrong with a note's text, or null: the same rule for the API and direct callers. */
export function noteTextProblem(value: unknown): (LocalizedText & { code: string }) | null {
  if (typeof value !== 'string' || value.trim() === '') {
    return { code: 'note-empty', ...text('Écrivez le texte de la note.', 'Schrijf de tekst van de notitie.', 'Write the text of the note.') };
  }
  // Characters as people count them (code points), not UTF-16 units.
  const length = [...value.trim()].length;
  if (length > MAX_NOTE_CHARS) {
    const max = MAX_NOTE_CHARS.toLocaleString('fr-BE');
    return {
      code: 'note-too-long',
      ...text(
        `La note compte ${length} caractères ; le maximum est ${max}.`,
        `De notitie telt ${length} tekens; het maximum is ${MAX_NOTE_CHARS.toLocaleString('nl-BE')}.`,
        `The note has ${length} characters; the maximum is ${MAX_NOTE_CHARS}.`,
      ),
    };
  }
  return null;
}

/** What is wrong with an idempotency key, or null. */
export function idempotencyKeyProblem(value: unknown): LocalizedText | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_KEY_CHARS) {
    return text(
      `« idempotencyKey » doit être un texte de 1 à ${MAX_KEY_CHARS} caractères.`,
      `"idempotencyKey" moet een tekst van 1 tot ${MAX_KEY_CHARS} tekens zijn.`,
      `"idempotencyKey" must be a text of 1 to ${MAX_KEY_CHARS} characters.`,
    );
  }
  return null;
}

function checkText(value: string): string {
  const problem = noteTextProblem(value);
  if (problem) throw new ValidationError(problem, { text: problem });
  return value.trim();
}

const noteNotFound = (id: string) =>
  new NotFoundError(text(`La note ${id} n’existe pas.`, `Notitie ${id} bestaat niet.`, `Note ${id} does not exist.`), { note: id });

export class RecordNotesService {
  constructor(
    private readonly deps: NotesDeps,
    private readonly clock: () => number = Date.now,
  ) {}

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  /** The record (404 when the actor may not read it) and what the actor may do with notes. */
  private access(actor: Actor, recordId: string): { recordId: string; mayAdd: boolean; admin: boolean } {
    const record = this.deps.records.get(actor, recordId);
    const pack = this.deps.packs.pack(record.packVersion);
    return {
      recordId: record.id,
      mayAdd: hasRecordPermission(pack, actor.roles, record.recordType, 'update'),
      admin: isAdmin(pack, actor.roles),
    };
  }

  private view(row: NoteRow, actor: Actor, access: { mayAdd: boolean; admin: boolean }): NoteView {
    return { ...row, edited: row.revisions.length > 0, mayEdit: access.mayAdd && (row.author === actor.id || access.admin) };
  }

  list(actor: Actor, recordId: string): { items: NoteView[]; mayAdd: boolean } {
    const access = this.access(actor, recordId);
    return { items: this.deps.store.listNotes(access.recordId).map((n) => this.view(n, actor, access)), mayAdd: access.mayAdd };
  }

  /**
   * Adds a note; durable when it returns. With `idempotencyKey`, the same author's retry of the
   * same add (a lost answer, an offline device syncing again) gives back the first note.
   */
  add(actor: Actor, recordId: string, noteText: string, idempotencyKey?: string): { note: NoteView; created: boolean } {
    const access = this.access(actor, recordId);
    if (!access.mayAdd) {
      throw new ForbiddenError(text('Votre rôle ne permet pas d’ajouter des notes à ce dossier.', 'Uw rol staat niet toe notities aan dit dossier toe te voegen.', 'Your role may not add notes to this record.'));
    }
    const keyProblem = idempotencyKeyProblem(idempotencyKey);
    if (keyProblem) throw new ValidationError(keyProblem, { idempotencyKey: { code: 'invalid', ...keyProblem } });
    const at = this.now();
    const row: NoteRow = {
      id: randomUUID(), recordId: access.recordId, author: actor.id, text: checkText(noteText),
      createdAt: at, updatedAt: at, updatedBy: actor.id, version: 1, revisions: [],
    };
    const stored = this.deps.store.insertNote(row, idempotencyKey?.trim() ?? null);
    return { note: this.view(stored.row, actor, access), created: stored.created };
  }

  /**
   * Edits a note written at `version`: a stale version (someone edited it meanwhile) is a
   * conflict that changes nothing, with the current note to compare.
   */
  edit(actor: Actor, recordId: string, noteId: string, noteText: string, version: number): NoteView {
    const access = this.access(actor, recordId);
    const current = this.deps.store.getNote(noteId);
    if (!current || current.recordId !== access.recordId) throw noteNotFound(noteId);
    if (!access.mayAdd || (current.author !== actor.id && !access.admin)) {
      throw new ForbiddenError(text('Seul l’auteur de la note (ou un administrateur) peut la modifier.', 'Alleen de auteur van de notitie (of een beheerder) mag ze wijzigen.', 'Only the note’s author (or an admin) may edit it.'));
    }
    const newText = checkText(noteText);
    const stale = () =>
      new ConflictError(
        'stale-version',
        text(
          'Cette note a été modifiée entre-temps par quelqu’un d’autre. Relisez-la puis recommencez votre modification.',
          'Deze notitie werd intussen door iemand anders gewijzigd. Lees ze opnieuw en herhaal uw wijziging.',
          'This note was changed meanwhile by someone else. Read it again, then redo your edit.',
        ),
        { currentVersion: current.version, note: this.view(this.deps.store.getNote(noteId) ?? current, actor, access) },
      );
    if (version !== current.version) throw stale();
    // The same text again is no edit: no new revision, no "edited" marker.
    if (newText === current.text) return this.view(current, actor, access);
    const next: NoteRow = {
      ...current,
      text: newText,
      updatedAt: this.now(),
      updatedBy: actor.id,
      version: current.version + 1,
      revisions: [...current.revisions, { text: current.text, at: current.updatedAt, by: current.updatedBy, version: current.version }],
    };
    // Another process may have written between the read and this write: the store checks again.
    if (!this.deps.store.updateNote(next, current.version)) throw stale();
    return this.view(next, actor, access);
  }
}
