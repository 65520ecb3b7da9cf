/** The pack endpoints the studio uses (runtime/http/app.ts). */
import { api } from '../api/client';
import type { PackVersionSummary, Problem } from '../api/types';

export type PackFiles = Record<string, string>;

export interface PackVersionRow extends Omit<PackVersionSummary, 'files'> {
  files: PackFiles;
}

export interface PackList {
  packId: string;
  versions: PackVersionSummary[];
}

export function listVersions(): Promise<PackList> {
  return api<PackList>('GET', '/packs');
}

export function getVersion(version: number): Promise<PackVersionRow> {
  return api<PackVersionRow>('GET', `/packs/${version}`);
}

export function validateOnServer(files: PackFiles): Promise<{ valid: boolean; problems: Problem[] }> {
  return api('POST', '/packs/validate', { files });
}

export function saveDraft(files: PackFiles): Promise<{ version: number; status: string; valid: boolean; problems: Problem[] }> {
  return api('POST', '/packs/drafts', { files });
}

export function publishVersion(version: number): Promise<{ version: number; status: string; publishedAt: string | null }> {
  return api('POST', `/packs/${version}/publish`, {});
}

/** The version to edit: the published one, or the latest draft when it is newer. */
export function versionToEdit(versions: PackVersionSummary[]): PackVersionSummary | null {
  const published = versions.find((v) => v.status === 'published') ?? null;
  const latest = versions.reduce<PackVersionSummary | null>((a, v) => (!a || v.version > a.version ? v : a), null);
  if (latest && latest.status === 'draft' && (!published || latest.version > published.version)) return latest;
  return published ?? latest;
}

export function sameFiles(a: PackFiles, b: PackFiles): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** Problems from the server carry `message` in the user's language; local ones carry `text` in all. */
export function problemMessage(p: Problem, lang: 'fr' | 'nl' | 'en'): string {
  if (p.text) return lang === 'en' ? (p.text.en ?? p.text.fr) : p.text[lang];
  return p.message;
}

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}
