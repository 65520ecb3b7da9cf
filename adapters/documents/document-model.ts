/**
 * The document templates' mini-format, parsed into blocks both renderers (DOCX, PDF) draw:
 *
 *   # Heading            → a heading
 *   - item               → a list item
 *   (blank line)         → ends a paragraph
 *   other lines          → a paragraph; consecutive lines are kept as line breaks
 *
 * Placeholders are already replaced when the text reaches here.
 */
export type DocBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'item'; text: string }
  | { kind: 'paragraph'; lines: string[] };

/** One letter ready to draw: the commune's letterhead, the title and the blocks. */
export interface MergedDocument {
  lang: 'fr' | 'nl';
  title: string;
  letterhead: string[];
  blocks: DocBlock[];
}

export function parseDocumentBody(text: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  let paragraph: string[] | null = null;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith('# ')) {
      paragraph = null;
      blocks.push({ kind: 'heading', text: line.slice(2).trim() });
    } else if (line.startsWith('- ')) {
      paragraph = null;
      blocks.push({ kind: 'item', text: line.slice(2).trim() });
    } else if (line.trim() === '') {
      paragraph = null;
    } else if (paragraph) {
      paragraph.push(line);
    } else {
      paragraph = [line];
      blocks.push({ kind: 'paragraph', lines: paragraph });
    }
  }
  return blocks;
}

/** "Page 2 / 3" or "Pagina 2 / 3". */
export function pageLabel(lang: 'fr' | 'nl', page: number, total: number): string {
  return `${lang === 'nl' ? 'Pagina' : 'Page'} ${page} / ${total}`;
}
