/** Starting content of a new file, by folder: a record type, a process or a template. */
import type { PackIndex } from './pack-index';

export function schemaHeader(path: string): string {
  const depth = path.split('/').length - 1;
  return `# yaml-language-server: $schema=${'../'.repeat(depth + 1)}schema/pack.schema.json\n`;
}

export function idFromPath(path: string): string {
  return (path.split('/').pop() ?? path).replace(/\.ya?ml$/i, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').replace(/^(?=[^a-z])/, 'x-') || 'new';
}

export function skeleton(path: string, index: PackIndex): string {
  const id = idFromPath(path);
  const folder = path.includes('/') ? path.split('/')[0] : '';
  const text = `{ fr: ${id}, nl: ${id} }`;
  const head = schemaHeader(path);
  if (folder === 'records') {
    return `${head}record: ${id}\nlabel: ${text}\nfields:\n  title:\n    type: text\n    label: ${text}\n    required: true\n`;
  }
  if (folder === 'processes') {
    const record = Object.keys(index.records)[0] ?? 'dossier';
    return `${head}process: ${id}\nrecord: ${record}\nlabel: ${text}\ninitial: open\nstatuses:\n  open: ${text}\n  closed: ${text}\nevents:\n  close:\n    label: ${text}\nstates:\n  open:\n    status: open\n    on:\n      close: closed\n  closed:\n    type: final\n    status: closed\n`;
  }
  if (folder === 'templates') {
    return `${head}template: ${id}\nkind: notification\nsubject: ${text}\nbody: ${text}\n`;
  }
  return head;
}

/** A path is acceptable: relative, no `..`, YAML. */
export function checkNewPath(path: string, existing: readonly string[]): 'empty' | 'invalid' | 'exists' | null {
  if (path.trim() === '') return 'empty';
  if (!/^[a-z0-9_-]+(\/[a-z0-9_.-]+)*\.ya?ml$/i.test(path) || path.split('/').some((s) => s === '..' || s === '.')) return 'invalid';
  if (existing.includes(path)) return 'exists';
  return null;
}
