/**
 * Work notes on the record page (TR-6, TR-7): the newest first, who wrote each and when, an
 * "edited" marker with the earlier texts on request, a form to add one and an inline editor.
 * A note edited meanwhile by someone else is not overwritten: the server refuses the stale
 * version, the list reloads, and the agent's text stays in the editor to redo the change.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import { useSession } from '../app/session';
import { formatDateTime, langOf } from './format';
import { useRecordSignal } from '../realtime/socket';

export interface Note {
  id: string;
  recordId: string;
  author: string;
  text: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
  edited: boolean;
  mayEdit: boolean;
  revisions: Array<{ text: string; at: string; by: string; version: number }>;
}

const MAX_CHARS = 20_000;

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function NotesPanel({ recordId }: { recordId: string }) {
  const { t } = useTranslation('agent');
  const [items, setItems] = useState<Note[] | null>(null);
  const [mayAdd, setMayAdd] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  const load = useCallback(async () => {
    try {
      const res = await api<{ items: Note[]; mayAdd: boolean }>('GET', `/records/${encodeURIComponent(recordId)}/notes`);
      setItems(res.items);
      setMayAdd(res.mayAdd);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('error.generic'));
    }
  }, [recordId, t]);

  useEffect(() => {
    void load();
  }, [load]);
  // A colleague's note appears without a reload (the record page watches this record).
  useRecordSignal(recordId, 'notes:changed', () => void load());

  return (
    <section className="panel record-notes" aria-labelledby="notes-title" data-testid="notes">
      <h2 id="notes-title">{t('notes.title')}</h2>
      {error && <p role="alert" className="error-box">{error}</p>}
      {mayAdd && (
        <AddNote
          recordId={recordId}
          onAdded={() => {
            setStatus(t('notes.added'));
            void load();
          }}
        />
      )}
      {items === null ? (
        !error && <p role="status">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="value-muted">{t('notes.empty')}</p>
      ) : (
        <ol className="plain-list note-list">
          {[...items].reverse().map((n) => (
            <NoteEntry
              key={n.id}
              note={n}
              recordId={recordId}
              onSaved={() => {
                setStatus(t('notes.saved'));
                void load();
              }}
              onStale={() => void load()}
            />
          ))}
        </ol>
      )}
      <p className="live-notice" role="status" aria-live="polite">{status}</p>
    </section>
  );
}

function AddNote({ recordId, onAdded }: { recordId: string; onAdded: () => void }) {
  const { t } = useTranslation('agent');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per note being written: a double click or a retry after a lost answer adds it once.
  const key = useRef(newKey());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) {
      setError(t('notes.needText'));
      document.getElementById('note-new')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/records/${encodeURIComponent(recordId)}/notes`, { text, idempotencyKey: key.current });
      key.current = newKey();
      setText('');
      onAdded();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('error.generic'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="note-form" onSubmit={(e) => void submit(e)} noValidate data-testid="note-add">
      {error && <p role="alert" className="error-box">{error}</p>}
      <div className="field">
        <label htmlFor="note-new">{t('notes.newLabel')}</label>
        <textarea id="note-new" rows={3} value={text} maxLength={MAX_CHARS} onChange={(e) => setText(e.target.value)} aria-describedby="note-new-hint" />
        <p className="form-note" id="note-new-hint">{t('notes.hint')}</p>
      </div>
      <p>
        <button type="submit" disabled={busy} aria-busy={busy}>{t('notes.add')}</button>
      </p>
    </form>
  );
}

function NoteEntry({ note, recordId, onSaved, onStale }: { note: Note; recordId: string; onSaved: () => void; onStale: () => void }) {
  const { t, i18n } = useTranslation('agent');
  const lang = langOf(i18n.language);
  const session = useSession();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(note.text);
  // The version the draft was started from: a save names it, so a newer edit is never overwritten.
  const [baseVersion, setBaseVersion] = useState(note.version);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = (id: string): string => session.users[id] ?? id;
  const editorId = `note-edit-${note.id}`;

  const startEdit = () => {
    setDraft(note.text);
    setBaseVersion(note.version);
    setError(null);
    setEditing(true);
  };

  useEffect(() => {
    if (editing) document.getElementById(editorId)?.focus();
  }, [editing, editorId]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft.trim()) {
      setError(t('notes.needText'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('PUT', `/records/${encodeURIComponent(recordId)}/notes/${encodeURIComponent(note.id)}`, { text: draft, version: baseVersion });
      setEditing(false);
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // Someone else's edit won: show theirs, keep ours in the editor to redo on top of it.
        const current = err.details['note'] as Note | undefined;
        if (current) setBaseVersion(current.version);
        setError(`${err.message} ${t('notes.staleKept')}`);
        onStale();
      } else {
        setError(err instanceof ApiError ? err.message : t('error.generic'));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="note" data-testid="note">
      <p className="timeline-head">
        <strong>{name(note.author)}</strong>{' '}
        <span className="timeline-meta"><time dateTime={note.createdAt}>{formatDateTime(note.createdAt, lang)}</time></span>
        {note.edited && (
          <span className="note-edited value-muted" data-testid="note-edited">
            {' '}– {t('notes.editedBy', { name: name(note.updatedBy) })} <time dateTime={note.updatedAt}>{formatDateTime(note.updatedAt, lang)}</time>
          </span>
        )}
      </p>
      {editing ? (
        <form onSubmit={(e) => void save(e)} noValidate>
          {error && <p role="alert" className="error-box">{error}</p>}
          <div className="field">
            <label htmlFor={editorId}>{t('notes.editLabel')}</label>
            <textarea id={editorId} rows={4} value={draft} maxLength={MAX_CHARS} onChange={(e) => setDraft(e.target.value)} />
          </div>
          <p>
            <button type="submit" disabled={busy} aria-busy={busy}>{t('notes.save')}</button>{' '}
            <button type="button" className="secondary" onClick={() => setEditing(false)}>{t('cancel')}</button>
          </p>
        </form>
      ) : (
        <>
          <p className="note-text" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{note.text}</p>
          {note.mayEdit && (
            <button type="button" className="secondary" onClick={startEdit} aria-label={t('notes.editOf', { name: name(note.author), date: formatDateTime(note.createdAt, lang) })}>
              {t('notes.edit')}
            </button>
          )}
        </>
      )}
      {note.revisions.length > 0 && (
        <details className="note-revisions">
          <summary>{t('notes.previous', { count: note.revisions.length })}</summary>
          <ol className="plain-list">
            {[...note.revisions].reverse().map((r) => (
              <li key={r.version}>
                <p className="timeline-meta">
                  {t('notes.revisionBy', { name: name(r.by) })} <time dateTime={r.at}>{formatDateTime(r.at, lang)}</time>
                </p>
                <p style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{r.text}</p>
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}
