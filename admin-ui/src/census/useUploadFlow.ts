/**
 * The preview → commit flow of a spreadsheet upload (the Belfirst import, the Onyx update file):
 * the chosen .xlsx goes up once for the preview, and again for the commit. The server keeps
 * nothing between the two, so a preview never leaves half a change behind.
 *
 * @example
 *   const flow = useUploadFlow<ImportPreview, ImportCommit>({
 *     path: (step, f) => `/imports/belfirst/${step}?filename=${encodeURIComponent(f.name)}`,
 *     notXlsx: (name) => t('import.notXlsx', { name }),
 *     errorText: (e) => errorText(e, lang, t('error')),
 *   });
 */
import { useRef, useState, type RefObject } from 'react';
import { uploadFile } from './census-api';

export type UploadStep = 'preview' | 'commit';

export type UploadPhase =
  | { kind: 'idle' }
  /** `sent` is the share uploaded (0..1), then null while the server works on the file. */
  | { kind: 'previewing' | 'committing'; sent: number | null }
  | { kind: 'previewed' }
  | { kind: 'committed' };

export interface UploadFlowOptions {
  /** The API path of each step for this file. */
  path: (step: UploadStep, file: File) => string;
  /** The message for a file that is not a workbook, refused before any upload. */
  notXlsx: (fileName: string) => string;
  /** A refused upload in the user's language. */
  errorText: (error: unknown) => string;
}

export interface UploadFlow<P, C> {
  phase: UploadPhase;
  /** An upload or the server's work on it is under way. */
  busy: boolean;
  preview: P | null;
  result: C | null;
  error: string | null;
  /** For the page's own failures (a list that did not load), shown in the same place. */
  setError: (message: string | null) => void;
  /** The file input, emptied by `restart` so that the same file can be chosen again. */
  input: RefObject<HTMLInputElement | null>;
  choose: (file: File) => Promise<void>;
  commit: () => Promise<void>;
  restart: () => void;
}

export function useUploadFlow<P, C>(options: UploadFlowOptions): UploadFlow<P, C> {
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<UploadPhase>({ kind: 'idle' });
  const [preview, setPreview] = useState<P | null>(null);
  const [result, setResult] = useState<C | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const choose = async (f: File) => {
    setFile(f);
    setPreview(null);
    setResult(null);
    setError(null);
    if (!/\.xlsx$/i.test(f.name)) {
      setPhase({ kind: 'idle' });
      setError(options.notXlsx(f.name));
      return;
    }
    setPhase({ kind: 'previewing', sent: 0 });
    try {
      const p = await uploadFile<P>(options.path('preview', f), f, (sent) => setPhase({ kind: 'previewing', sent }));
      setPreview(p);
      setPhase({ kind: 'previewed' });
    } catch (e) {
      setError(options.errorText(e));
      setPhase({ kind: 'idle' });
    }
  };

  const commit = async () => {
    if (!file) return;
    setError(null);
    setPhase({ kind: 'committing', sent: 0 });
    try {
      const r = await uploadFile<C>(options.path('commit', file), file, (sent) => setPhase({ kind: 'committing', sent }));
      setResult(r);
      setPhase({ kind: 'committed' });
    } catch (e) {
      // Nothing was applied when the file is refused; the preview stays to try again.
      setError(options.errorText(e));
      setPhase({ kind: 'previewed' });
    }
  };

  const restart = () => {
    setFile(null);
    setPreview(null);
    setResult(null);
    setError(null);
    setPhase({ kind: 'idle' });
    if (input.current) input.current.value = '';
  };

  const busy = phase.kind === 'previewing' || phase.kind === 'committing';
  return { phase, busy, preview, result, error, setError, input, choose, commit, restart };
}
