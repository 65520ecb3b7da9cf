import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, type Node } from 'yaml';

export interface SourcePosition {
  line: number;
  col: number;
}

export interface ParsedYaml {
  file: string;
  value: unknown;
  errors: Array<{ message: string; position: SourcePosition }>;
  /**
   * Position of the node at a JSON pointer (`/states/new/on`); falls back to the nearest parent.
   * A scalar value is located at the value, unless `at` is 'key': then at its key (for problems
   * about the name itself, such as an unknown property).
   */
  locate(pointer: string, at?: 'value' | 'key'): SourcePosition;
}

/** JSON pointer segments, unescaped as RFC 6901 says (~1 is '/', ~0 is '~'). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function toPointer(segments: Array<string | number>): string {
  return segments.length === 0 ? '' : '/' + segments.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/*
 * The studio re-checks the whole pack at each pause in typing, but only one file changed:
 * the others come from this cache (keyed by name and text, a few hundred entries at most).
 * Parsed results are never mutated by the loader, so sharing them is safe.
 */
const parsedCache = new Map<string, ParsedYaml>();
const PARSED_CACHE_LIMIT = 300;

export function parseYamlSource(file: string, text: string): ParsedYaml {
  const key = `${file}\u0000${text}`;
  const hit = parsedCache.get(key);
  if (hit) return hit;
  const parsed = parseYamlUncached(file, text);
  parsedCache.set(key, parsed);
  if (parsedCache.size > PARSED_CACHE_LIMIT) parsedCache.delete(parsedCache.keys().next().value as string);
  return parsed;
}

function parseYamlUncached(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  // The parser reports bad indentation at the start of the line; point at the misplaced text.
  const skipSpaces = (offset: number): number => {
    let o = offset;
    while (text[o] === ' ') o++;
    return o;
  };
  const errors = doc.errors.map((e) => ({
    message: e.message.split('\n')[0] ?? e.message,
    position: e.linePos ? { line: e.linePos[0].line, col: e.linePos[0].col } : position(skipSpaces(e.pos[0])),
  }));
  const locate = (pointer: string, at: 'value' | 'key' = 'value'): SourcePosition => {
    let node: unknown = doc.contents;
    let best: SourcePosition = { line: 1, col: 1 };
    const rangeOf = (n: unknown): SourcePosition | null => {
      const r = (n as Node | null)?.range;
      return r ? position(r[0]) : null;
    };
    best = rangeOf(node) ?? best;
    const segments = pointerSegments(pointer);
    for (const [i, seg] of segments.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === seg);
        if (!pair) break;
        // Point at the key: that is the line an admin looks for.
        best = rangeOf(pair.key) ?? best;
        node = pair.value;
        const valuePos = rangeOf(node);
        if (valuePos && !isMap(node) && !isSeq(node) && !(at === 'key' && i === segments.length - 1)) best = valuePos;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined) break;
        best = rangeOf(item) ?? best;
        node = item;
      } else break;
    }
    return best;
  };
  let value: unknown = null;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      errors.push({ message: (e as Error).message, position: { line: 1, col: 1 } });
    }
  }
  return { file, value, errors, locate };
}
