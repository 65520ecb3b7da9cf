/**
 * The parts the census upload pages share (Belfirst import, Onyx update file, registered mail):
 * a file input that also takes a dropped file, the progress of the upload, the spreadsheet
 * headers quoted back to the user, and the table of what the server did row by row or file by file.
 */
import { useState, type ReactNode, type RefObject } from 'react';
import type { UploadFlow } from './useUploadFlow';

const XLSX_ACCEPT = '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface DropZoneProps {
  id: string;
  label: string;
  hint: string;
  accept?: string;
  multiple?: boolean;
  /** While an upload runs: the input is disabled and a drop is ignored. */
  disabled: boolean;
  inputRef: RefObject<HTMLInputElement | null>;
  /** The files chosen or dropped (null when the input was emptied). */
  onFiles: (files: FileList | null) => void;
  /** Shown under the input, inside the zone (what was chosen). */
  children?: ReactNode;
}

export function DropZone({ id, label, hint, accept, multiple, disabled, inputRef, onFiles, children }: DropZoneProps) {
  const [dragging, setDragging] = useState(false);
  return (
    <div
      className={`drop-zone${dragging ? ' drop-zone-active' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        if (!disabled) onFiles(e.dataTransfer.files);
      }}
    >
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-hint`} className="field-hint">{hint}</p>
      <input
        ref={inputRef}
        id={id}
        type="file"
        accept={accept}
        multiple={multiple}
        aria-describedby={`${id}-hint`}
        disabled={disabled}
        onChange={(e) => onFiles(e.target.files)}
      />
      {children}
    </div>
  );
}

/** The drop zone of a preview → commit flow: one .xlsx, which goes straight to the preview. */
export function XlsxDropZone({ flow, id, label, hint }: { flow: Pick<UploadFlow<unknown, unknown>, 'busy' | 'input' | 'choose'>; id: string; label: string; hint: string }) {
  return (
    <DropZone
      id={id}
      label={label}
      hint={hint}
      accept={XLSX_ACCEPT}
      disabled={flow.busy}
      inputRef={flow.input}
      onFiles={(files) => {
        const f = files?.[0];
        if (f) void flow.choose(f);
      }}
    />
  );
}

/**
 * `sent` is the share uploaded (0..1), then null while the server works on the file: the bar
 * has no value then, and `working` says what the server does.
 */
export function UploadProgress({ sent, working, uploading }: { sent: number | null; working: string; uploading: (percent: number) => string }) {
  const label = sent === null ? working : uploading(Math.round(sent * 100));
  return (
    <div className="census-progress" role="status">
      <progress aria-label={label} {...(sent === null ? {} : { value: Math.round(sent * 100), max: 100 })} />
      <span>{label}</span>
    </div>
  );
}

/** Headers as written in the spreadsheet: the user's data, quoted as is to be found in the file. */
export function FileColumns({ names }: { names: string[] }) {
  return (
    <>
      {names.map((n, i) => (
        <span key={n}>
          {i > 0 && ', '}
          <code className="file-column">{n}</code>
        </span>
      ))}
    </>
  );
}

/** A table of results, one row (or several) per spreadsheet row or file; `children` are the rows. */
export function ResultsTable({ className, caption, columns, children }: { className?: string; caption: string; columns: string[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className={className ? `records census-rows ${className}` : 'records census-rows'}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => <th key={c} scope="col">{c}</th>)}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
