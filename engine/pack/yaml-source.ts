import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, type Node } from 'yaml';

export interface SourcePosition {
  line: number;
  col: number;
}

export interface ParsedYaml {
  file: string;
  value: unknown;
  errors: Array<{ message: string; position: SourcePosition }>;
  /** Position of the node at a JSON pointer (`/states/new/on`); falls back to the nearest parent. */
  locate(pointer: string): SourcePosition;
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

export function parseYamlSource(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const errors = doc.errors.map((e) => ({
    message: e.message.split('\n')[0] ?? e.message,
    position: e.linePos ? { line: e.linePos[0].line, col: e.linePos[0].col } : position(e.pos[0]),
  }));
  const locate = (pointer: string): SourcePosition => {
    let node: unknown = doc.contents;
    let best: SourcePosition = { line: 1, col: 1 };
    const rangeOf = (n: unknown): SourcePosition | null => {
      const r = (n as Node | null)?.range;
      return r ? position(r[0]) : null;
    };
    best = rangeOf(node) ?? best;
    for (const seg of pointerSegments(pointer)) {
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === seg);
        if (!pair) break;
        // Point at the key: that is the line an admin looks for.
        best = rangeOf(pair.key) ?? best;
        node = pair.value;
        const valuePos = rangeOf(node);
        if (valuePos && !isMap(node) && !isSeq(node)) best = valuePos;
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
