/**
 * Checks the working files with the engine's own loader (JSON Schema and semantic checks), in
 * the browser. Should the loader ever fail to run here (the page's Content-Security-Policy
 * refusing compiled code, say), the same check runs on the server (POST /packs/validate) and
 * the pack is assembled here from the YAML once the server says it is valid.
 */
import { parse } from 'yaml';
import { fileKind, loadPack, type Pack } from '../../../engine/pack';
import type { Problem } from '../api/types';
import { isYamlPath, sameFiles, validateOnServer, type PackFiles } from './studio-api';

export interface Analysis {
  files: PackFiles;
  /** The loaded pack when it has no error; null otherwise. */
  pack: Pack | null;
  problems: Problem[];
  /** Time spent checking, in milliseconds. */
  ms: number;
  where: 'browser' | 'server';
}

let localBroken = false;
let last: Analysis | null = null;

/** Synchronous check in the browser; null when the browser cannot run it (then use analyseOnServer). */
export function analyseLocally(files: PackFiles): Analysis | null {
  if (last && last.where === 'browser' && sameFiles(last.files, files)) return last;
  if (localBroken) return null;
  const start = performance.now();
  try {
    const r = loadPack(files);
    last = { files, pack: r.pack, problems: r.problems, ms: performance.now() - start, where: 'browser' };
    return last;
  } catch {
    // EvalError under a strict Content-Security-Policy: from now on, ask the server.
    localBroken = true;
    return null;
  }
}

export async function analyseOnServer(files: PackFiles): Promise<Analysis> {
  if (last && last.where === 'server' && sameFiles(last.files, files)) return last;
  const start = performance.now();
  const r = await validateOnServer(files);
  last = { files, pack: r.valid ? assemblePack(files) : null, problems: r.problems, ms: performance.now() - start, where: 'server' };
  return last;
}

export function analyse(files: PackFiles): Analysis | Promise<Analysis> {
  return analyseLocally(files) ?? analyseOnServer(files);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pack of files the server found valid: the same assembly as engine/pack/load-pack.ts. */
function assemblePack(files: PackFiles): Pack {
  const pack: Pack = { manifest: { id: '', name: { fr: '', nl: '' }, languages: ['fr', 'nl'], timezone: 'Europe/Brussels' }, records: {}, processes: {}, roles: {}, queues: {}, teams: {}, calendars: {}, templates: {}, channels: { mailboxes: {}, forms: {}, desk: {}, phone: null, chat: null }, assignment: {}, autoResponses: {}, sources: {} };
  for (const file of Object.keys(files).sort()) {
    if (!isYamlPath(file)) continue;
    const value: unknown = parse(files[file] ?? '');
    if (!isObject(value)) continue;
    const entries = (k: string): Array<[string, never]> => (isObject(value[k]) ? (Object.entries(value[k] as Record<string, unknown>) as Array<[string, never]>) : []);
    switch (fileKind(value)) {
      case 'pack':
        pack.manifest = { id: String(value['pack']), name: value['name'] as Pack['manifest']['name'], languages: value['languages'] as Pack['manifest']['languages'], timezone: String(value['timezone']) };
        if (value['description']) pack.manifest.description = value['description'] as Pack['manifest']['name'];
        pack.sources['pack'] = file;
        break;
      case 'record':
        pack.records[String(value['record'])] = value as never;
        pack.sources[`record:${String(value['record'])}`] = file;
        break;
      case 'process':
        pack.processes[String(value['process'])] = value as never;
        pack.sources[`process:${String(value['process'])}`] = file;
        break;
      case 'template':
        pack.templates[String(value['template'])] = value as never;
        pack.sources[`template:${String(value['template'])}`] = file;
        break;
      case 'roles':
        for (const [id, r] of entries('roles')) { pack.roles[id] = r; pack.sources[`role:${id}`] = file; }
        break;
      case 'routing':
        for (const [id, q] of entries('queues')) { pack.queues[id] = q; pack.sources[`queue:${id}`] = file; }
        for (const [id, t] of entries('teams')) { pack.teams[id] = t; pack.sources[`team:${id}`] = file; }
        break;
      case 'calendars':
        for (const [id, c] of entries('calendars')) {
          pack.calendars[id] = { ...(c as object), holidays: (c as { holidays?: string[] }).holidays ?? [] } as never;
          pack.sources[`calendar:${id}`] = file;
        }
        break;
      default:
        break;
    }
  }
  return pack;
}

export function errorCount(problems: readonly Problem[]): number {
  return problems.filter((p) => p.severity === 'error').length;
}
