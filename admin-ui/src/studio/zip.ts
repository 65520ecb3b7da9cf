/** Export and import of a pack as a .zip of its YAML files (fflate, in the browser). */
import { strToU8, unzipSync, zipSync } from 'fflate';
import { isYamlPath, type PackFiles } from './studio-api';

export function packZip(files: PackFiles): Blob {
  const entries: Record<string, Uint8Array> = {};
  for (const [path, text] of Object.entries(files)) entries[path] = strToU8(text);
  const bytes = zipSync(entries, { level: 6 });
  return new Blob([new Uint8Array(bytes)], { type: 'application/zip' });
}

export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export class ZipImportError extends Error {
  constructor(readonly code: 'bad-zip' | 'no-yaml' | 'not-text') {
    super(code);
  }
}

export interface ImportResult {
  files: PackFiles;
  /** Entries left out: not YAML, or system files (__MACOSX, dot files). */
  skipped: string[];
}

/** The YAML files of a .zip; a folder wrapping the whole pack (brussels-commune/…) is removed. */
export function readPackZip(bytes: Uint8Array): ImportResult {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch {
    throw new ZipImportError('bad-zip');
  }
  const skipped: string[] = [];
  let yaml: Array<[string, Uint8Array]> = [];
  for (const [rawPath, data] of Object.entries(entries)) {
    const path = rawPath.replace(/\\/g, '/').replace(/^\.?\//, '');
    if (path.endsWith('/')) continue;
    if (path.startsWith('__MACOSX/') || path.split('/').some((s) => s.startsWith('.')) || !isYamlPath(path)) {
      skipped.push(path);
      continue;
    }
    yaml.push([path, data]);
  }
  if (yaml.length === 0) throw new ZipImportError('no-yaml');
  // Strip a common top folder while every file is inside it.
  for (;;) {
    const first = yaml[0]?.[0].split('/')[0];
    if (!first || !yaml.every(([p]) => p.includes('/') && p.split('/')[0] === first)) break;
    yaml = yaml.map(([p, d]) => [p.slice(first.length + 1), d]);
  }
  const files: PackFiles = {};
  for (const [path, data] of yaml) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      throw new ZipImportError('not-text');
    }
    files[path] = text.replace(/\r\n/g, '\n');
  }
  return { files, skipped };
}
