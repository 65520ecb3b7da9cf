/**
 * Pack versions: drafts, validation, publication. Each instance stays on the version it
 * started with; a new published version applies to new instances only.
 */
import { compileProcess, type CompiledProcess } from '../../engine/compiler';
import { DefinitionError, NotFoundError, ValidationError } from '../../engine/errors';
import { loadPack, type LoadResult, type Pack } from '../../engine/pack';
import type { PackVersionRow, RecordStore } from '../ports/record-store.port';

export interface ActivePack {
  pack: Pack;
  version: number;
}

function sameFiles(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

export class PacksService {
  private readonly loaded = new Map<string, Pack>();
  private readonly compiled = new Map<string, CompiledProcess>();
  /** The published version, re-read at most once a second: another process may publish. */
  private activeCache: { version: number; readAt: number } | null = null;

  constructor(
    private readonly store: RecordStore,
    readonly packId: string,
    private readonly clock: () => number,
  ) {}

  validate(files: Record<string, string>): LoadResult {
    return loadPack(files);
  }

  /** Publishes the shipped pack when the store has never held this text of it. */
  ensurePublished(files: Record<string, string>, by: string): PackVersionRow {
    const versions = this.store.listPackVersions(this.packId);
    const published = versions.find((v) => v.status === 'published');
    // Publish the shipped files only when they are new: a restart must not undo a version an
    // admin published since (nor re-publish text the store already holds).
    if (published && versions.some((v) => sameFiles(v.files, files))) return published;
    const draft = this.saveDraft(files, by);
    return this.publish(draft.version, by);
  }

  saveDraft(files: Record<string, string>, by: string): PackVersionRow & { problems: LoadResult['problems'] } {
    const result = loadPack(files);
    if (result.pack && result.pack.manifest.id !== this.packId) {
      throw new ValidationError({
        fr: `Ce serveur exécute le pack « ${this.packId} », pas « ${result.pack.manifest.id} ».`,
        nl: `Deze server voert pakket "${this.packId}" uit, niet "${result.pack.manifest.id}".`,
        en: `This server runs pack "${this.packId}", not "${result.pack.manifest.id}".`,
      });
    }
    const versions = this.store.listPackVersions(this.packId);
    const version = (versions.at(-1)?.version ?? 0) + 1;
    const row: PackVersionRow = { packId: this.packId, version, status: 'draft', files, createdAt: new Date(this.clock()).toISOString(), createdBy: by, publishedAt: null };
    this.store.savePackVersion(row);
    return { ...row, problems: result.problems };
  }

  publish(version: number, by: string): PackVersionRow {
    const row = this.store.getPackVersion(this.packId, version);
    if (!row) throw new NotFoundError({ fr: `Version ${version} du pack introuvable.`, nl: `Versie ${version} van het pakket niet gevonden.`, en: `Pack version ${version} not found.` });
    const result = loadPack(row.files);
    // A pack with errors is refused; the published version keeps running.
    if (!result.pack) throw new DefinitionError(result.problems.filter((p) => p.severity === 'error'));
    void by;
    this.store.publishPackVersion(this.packId, version, new Date(this.clock()).toISOString());
    this.loaded.set(`${this.packId}@${version}`, result.pack);
    this.activeCache = null;
    return { ...row, status: 'published', publishedAt: new Date(this.clock()).toISOString() };
  }

  versions(): PackVersionRow[] {
    return this.store.listPackVersions(this.packId);
  }

  active(): ActivePack {
    const now = this.clock();
    if (this.activeCache && now - this.activeCache.readAt < 1000) return { pack: this.pack(this.activeCache.version), version: this.activeCache.version };
    const published = this.store.listPackVersions(this.packId).find((v) => v.status === 'published');
    if (!published) throw new NotFoundError({ fr: 'Aucune version publiée du pack.', nl: 'Geen gepubliceerde versie van het pakket.', en: 'No published pack version.' });
    this.activeCache = { version: published.version, readAt: now };
    return { pack: this.pack(published.version), version: published.version };
  }

  pack(version: number): Pack {
    const key = `${this.packId}@${version}`;
    const cached = this.loaded.get(key);
    if (cached) return cached;
    const row = this.store.getPackVersion(this.packId, version);
    if (!row) throw new NotFoundError({ fr: `Version ${version} du pack introuvable.`, nl: `Versie ${version} van het pakket niet gevonden.`, en: `Pack version ${version} not found.` });
    const result = loadPack(row.files);
    if (!result.pack) throw new DefinitionError(result.problems);
    this.loaded.set(key, result.pack);
    return result.pack;
  }

  process(version: number, processId: string): CompiledProcess {
    const key = `${this.packId}@${version}/${processId}`;
    let c = this.compiled.get(key);
    if (!c) {
      c = compileProcess(this.pack(version), processId, version);
      this.compiled.set(key, c);
    }
    return c;
  }

  /** The process that runs records of this type in the given version (the first declared). */
  processFor(version: number, recordType: string): CompiledProcess | null {
    const pack = this.pack(version);
    const p = Object.values(pack.processes).find((d) => d.record === recordType);
    return p ? this.process(version, p.process) : null;
  }
}
