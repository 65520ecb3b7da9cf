/**
 * A line diff by longest common subsequence, for the publication review: what changes between
 * the published version and the one about to be published, file by file.
 */
import { isYamlPath, type PackFiles } from './studio-api';

export interface DiffLine {
  kind: 'same' | 'add' | 'del';
  text: string;
  /** 1-based line numbers in the old and the new text. */
  oldNo: number | null;
  newNo: number | null;
}

/** Above this many cells (old lines × new lines between the common head and tail), the changed block is shown replaced whole. */
const MAX_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ kind: 'same', text: a[i] as string, oldNo: i + 1, newNo: i + 1 });
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  if (n > 0 && m > 0 && n * m <= MAX_CELLS) {
    // lcs[i][j]: length of the LCS of a[head+i..] and b[head+j..] (middle part only).
    const w = m + 1;
    const lcs = new Uint16Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = a[head + i] === b[head + j] ? (lcs[(i + 1) * w + j + 1] as number) + 1 : Math.max(lcs[(i + 1) * w + j] as number, lcs[i * w + j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[head + i] === b[head + j]) {
        out.push({ kind: 'same', text: a[head + i] as string, oldNo: head + i + 1, newNo: head + j + 1 });
        i++;
        j++;
      } else if ((lcs[(i + 1) * w + j] as number) >= (lcs[i * w + j + 1] as number)) {
        out.push({ kind: 'del', text: a[head + i] as string, oldNo: head + i + 1, newNo: null });
        i++;
      } else {
        out.push({ kind: 'add', text: b[head + j] as string, oldNo: null, newNo: head + j + 1 });
        j++;
      }
    }
    for (; i < n; i++) out.push({ kind: 'del', text: a[head + i] as string, oldNo: head + i + 1, newNo: null });
    for (; j < m; j++) out.push({ kind: 'add', text: b[head + j] as string, oldNo: null, newNo: head + j + 1 });
  } else {
    for (let i = 0; i < n; i++) out.push({ kind: 'del', text: a[head + i] as string, oldNo: head + i + 1, newNo: null });
    for (let j = 0; j < m; j++) out.push({ kind: 'add', text: b[head + j] as string, oldNo: null, newNo: head + j + 1 });
  }
  for (let k = 0; k < tail; k++) {
    const oi = a.length - tail + k;
    const ni = b.length - tail + k;
    out.push({ kind: 'same', text: a[oi] as string, oldNo: oi + 1, newNo: ni + 1 });
  }
  return out;
}

export interface Hunk {
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

/** Changed lines with `context` unchanged lines around them, as in a unified diff. */
export function hunks(lines: DiffLine[], context = 3): Hunk[] {
  const ranges: Array<[number, number]> = [];
  lines.forEach((l, i) => {
    if (l.kind === 'same') return;
    const s = Math.max(0, i - context);
    const e = Math.min(lines.length, i + context + 1);
    const last = ranges[ranges.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else ranges.push([s, e]);
  });
  return ranges.map(([s, e]) => {
    const first = lines[s];
    return { oldStart: first?.oldNo ?? lastNo(lines, s, 'oldNo'), newStart: first?.newNo ?? lastNo(lines, s, 'newNo'), lines: lines.slice(s, e) };
  });
}

function lastNo(lines: DiffLine[], at: number, key: 'oldNo' | 'newNo'): number {
  for (let k = at - 1; k >= 0; k--) {
    const v = lines[k]?.[key];
    if (v) return v + 1;
  }
  return 1;
}

export interface FileDiff {
  path: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  lines: DiffLine[];
  added: number;
  removed: number;
}

export function diffPacks(before: PackFiles, after: PackFiles): FileDiff[] {
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(isYamlPath).sort();
  return paths.map((path) => {
    const a = before[path];
    const b = after[path];
    const status: FileDiff['status'] = a === undefined ? 'added' : b === undefined ? 'removed' : a === b ? 'unchanged' : 'changed';
    const lines = status === 'unchanged' ? [] : diffLines(a ?? '', b ?? '');
    return { path, status, lines, added: lines.filter((l) => l.kind === 'add').length, removed: lines.filter((l) => l.kind === 'del').length };
  });
}
