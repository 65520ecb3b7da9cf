/**
 * Documents of the record page (TR-11, TR-12): every file field's files as download links, and
 * an upload control that sends several files at once (file picker, drag and drop, or the phone's
 * camera for scans and photos) with a progress bar and a result per file.
 *
 * Files that cannot pass (type, size, empty) are refused here at once, with their reason; the
 * others go in one request, which the server accepts or refuses as a whole (it also checks each
 * file's content), so the list always says exactly which files were added.
 */
import { useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalizedText, RecordType, RecordView } from '../api/types';
import { localized, useLocalized } from '../i18n';
import { asFile, formatBytes, langOf, type FileInfo } from './format';
import { fieldDefs } from './sections';

const MAX_FILE_BYTES = 25 * 1024 * 1024;
const MAX_FILES = 20;
// The server's list (runtime/services/record-files.service.ts): scans, photos, office documents, text.
const EXTENSIONS = ['pdf', 'jpg', 'jpeg', 'jfif', 'png', 'heic', 'heif', 'tif', 'tiff', 'doc', 'xls', 'ppt', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'txt', 'csv'];
const ACCEPT = EXTENSIONS.map((e) => `.${e}`).join(',') + ',application/pdf,image/jpeg,image/png,image/heic,image/heif,image/tiff,text/plain,text/csv';

interface FileValue {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

type RowState = 'refused' | 'waiting' | 'added' | 'duplicate' | 'notAdded';

interface Row {
  key: string;
  name: string;
  size: number;
  state: RowState;
  message?: string;
}

interface UploadAnswer {
  status: number;
  body: { files?: FileValue[]; duplicates?: FileValue[]; record?: RecordView; message?: string; details?: { files?: Array<{ index: number; messages: LocalizedText }> } };
}

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** One multipart request through XMLHttpRequest: fetch() cannot report upload progress. */
function sendFiles(url: string, files: File[], key: string, onProgress: (ratio: number) => void): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Idempotency-Key', key);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: UploadAnswer['body'] = {};
      try {
        body = JSON.parse(xhr.responseText) as UploadAnswer['body'];
      } catch {
        // A proxy's HTML error page: the status says enough.
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(form);
  });
}

const extensionOf = (name: string): string => /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase() ?? '';

export function DocumentsPanel({ record, rt, onUploaded }: { record: RecordView; rt: RecordType | undefined; onUploaded: (view: RecordView) => void }) {
  const { t, i18n } = useTranslation('agent');
  const L = useLocalized();
  const lang = langOf(i18n.language);
  const defs = fieldDefs(rt, record);
  const fileFields = Object.entries(defs).filter(([, d]) => !d.computed && (d.type === 'file' || (d.type === 'list' && d.of === 'file')));
  const lists = fileFields.filter(([, d]) => d.type === 'list');
  const [target, setTarget] = useState<string>(lists.find(([n]) => n === 'documents')?.[0] ?? lists[0]?.[0] ?? '');
  const [rows, setRows] = useState<Row[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [over, setOver] = useState(false);
  const pickRef = useRef<HTMLInputElement>(null);
  const cameraRef = useRef<HTMLInputElement>(null);
  const mayUpload = lists.length > 0 && (record.events?.some((e) => e.type === 'update') ?? false);
  const busy = progress !== null;

  const files: Array<{ field: string; key: string; file: FileInfo }> = [];
  for (const [name] of fileFields) {
    const v = record.fields[name];
    (Array.isArray(v) ? v : [v]).forEach((x, i) => {
      const f = asFile(x);
      if (f) files.push({ field: name, key: `${name}:${f.id}:${i}`, file: f });
    });
  }

  const upload = async (chosen: File[]) => {
    if (busy || chosen.length === 0 || !target) return;
    setError(null);
    setStatus('');
    const checked: Row[] = chosen.map((f, i) => {
      const row: Row = { key: `${Date.now()}-${i}`, name: f.name, size: f.size, state: 'waiting' };
      if (f.size === 0) return { ...row, state: 'refused', message: t('documents.emptyFile') };
      if (f.size > MAX_FILE_BYTES) return { ...row, state: 'refused', message: t('documents.tooLarge', { max: 25 }) };
      if (!EXTENSIONS.includes(extensionOf(f.name))) return { ...row, state: 'refused', message: t('documents.unsupported') };
      return row;
    });
    const toSend = chosen.filter((_, i) => checked[i]?.state === 'waiting');
    if (toSend.length > MAX_FILES) {
      setRows(checked.map((r) => (r.state === 'waiting' ? { ...r, state: 'notAdded' } : r)));
      setError(t('documents.tooMany', { max: MAX_FILES }));
      return;
    }
    setRows(checked);
    if (toSend.length === 0) {
      setError(t('documents.noneSent'));
      return;
    }
    const sentIndexes = checked.map((r, i) => (r.state === 'waiting' ? i : -1)).filter((i) => i >= 0);
    setProgress(0);
    try {
      const answer = await sendFiles(`/api/records/${encodeURIComponent(record.id)}/files/${encodeURIComponent(target)}`, toSend, newKey(), setProgress);
      const { body } = answer;
      if (answer.status === 200 || answer.status === 201) {
        const added = new Set((body.files ?? []).map((f) => f.name));
        setRows(checked.map((r) => (r.state === 'waiting' ? { ...r, state: added.has(r.name) ? 'added' : 'duplicate' } : r)));
        setStatus(t('documents.added', { count: body.files?.length ?? 0 }));
        if (body.record) onUploaded(body.record);
      } else {
        // Refused as a whole: the files the server named get its reason, the others were not added.
        const reasons = new Map((body.details?.files ?? []).map((f) => [sentIndexes[f.index] ?? -1, localized(f.messages, lang)]));
        setRows(checked.map((r, i) => (r.state !== 'waiting' ? r : reasons.has(i) ? { ...r, state: 'refused', message: reasons.get(i) ?? '' } : { ...r, state: 'notAdded' })));
        setError(body.message ?? t('error.generic'));
      }
    } catch {
      setRows(checked.map((r) => (r.state === 'waiting' ? { ...r, state: 'notAdded' } : r)));
      setError(t('documents.network'));
    } finally {
      setProgress(null);
      if (pickRef.current) pickRef.current.value = '';
      if (cameraRef.current) cameraRef.current.value = '';
    }
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    void upload(Array.from(e.dataTransfer.files));
  };

  return (
    <section className="panel record-documents" aria-labelledby="documents-title" data-testid="documents">
      <h2 id="documents-title">{t('documents.title')}</h2>
      {files.length === 0 ? (
        <p className="value-muted">{t('documents.empty')}</p>
      ) : (
        <ul className="plain-list" data-testid="document-list">
          {files.map(({ field, key, file }) => (
              <li key={key}>
                <a className="file-name" href={`/api/files/${encodeURIComponent(file.id)}?record=${encodeURIComponent(record.id)}`} download={file.name}>
                  {file.name}
                  <span className="visually-hidden"> ({t('documents.download')})</span>
                </a>
                {file.size !== null && <span className="value-muted"> – {formatBytes(file.size, lang)}</span>}
                <span className="value-muted"> ({L(defs[field]?.label)})</span>
              </li>
          ))}
        </ul>
      )}

      {mayUpload && (
        <div className="document-upload" data-testid="document-upload">
          <h3 id="documents-add-title">{t('documents.addTitle')}</h3>
          {lists.length > 1 && (
            <div className="field">
              <label htmlFor="documents-target">{t('documents.target')}</label>
              <select id="documents-target" value={target} onChange={(e) => setTarget(e.target.value)} disabled={busy}>
                {lists.map(([name, d]) => (
                  <option key={name} value={name}>{L(d.label)}</option>
                ))}
              </select>
            </div>
          )}
          <div
            className={`drop-zone${over ? ' drop-over' : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              setOver(true);
            }}
            onDragLeave={() => setOver(false)}
            onDrop={onDrop}
            style={{ border: `2px dashed ${over ? '#0b4f8a' : '#767676'}`, borderRadius: 6, padding: '.75rem', background: over ? '#e3edf7' : undefined }}
            data-testid="drop-zone"
          >
            <div className="field">
              <label htmlFor="documents-pick">{t('documents.choose')}</label>
              <input id="documents-pick" ref={pickRef} type="file" multiple accept={ACCEPT} disabled={busy} aria-describedby="documents-hint" onChange={(e) => void upload(Array.from(e.target.files ?? []))} />
            </div>
            <div className="field">
              <label htmlFor="documents-camera">{t('documents.camera')}</label>
              <input id="documents-camera" ref={cameraRef} type="file" accept="image/*" capture="environment" multiple disabled={busy} onChange={(e) => void upload(Array.from(e.target.files ?? []))} />
            </div>
            <p className="form-note">{t('documents.drop')}</p>
            <p className="form-note" id="documents-hint">{t('documents.hint', { max: 25, files: MAX_FILES })}</p>
          </div>
          {progress !== null && (
            <p>
              <label htmlFor="documents-progress">{t('documents.sending')}</label>{' '}
              <progress id="documents-progress" max={1} value={progress}>{Math.round(progress * 100)} %</progress>
            </p>
          )}
          {error && <p role="alert" className="error-box">{error}</p>}
          <div aria-live="polite" data-testid="upload-results">
            {rows.length > 0 && (
              <ul className="plain-list" aria-label={t('documents.results')}>
                {rows.map((r) => (
                  <li key={r.key} className={`upload-${r.state}`}>
                    <span className="file-name">{r.name}</span> – {t(`documents.state.${r.state}`)}
                    {r.message && <span> – {r.message}</span>}
                  </li>
                ))}
              </ul>
            )}
            <p className="live-notice" role="status">{status}</p>
          </div>
        </div>
      )}
    </section>
  );
}
