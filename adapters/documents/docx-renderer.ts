/** Renders a merged letter to DOCX (Office Open XML) with the `docx` package. */
import { AlignmentType, Document, Footer, Header, HeadingLevel, Packer, PageNumber, Paragraph, TextRun } from 'docx';
import type { MergedDocument } from './document-model';

const A4 = { width: 11906, height: 16838 }; // twentieths of a point

export async function renderDocx(doc: MergedDocument): Promise<Buffer> {
  const children: Paragraph[] = [];
  for (const b of doc.blocks) {
    if (b.kind === 'heading') children.push(new Paragraph({ text: b.text, heading: HeadingLevel.HEADING_2, spacing: { before: 240, after: 120 } }));
    else if (b.kind === 'item') children.push(new Paragraph({ text: b.text, bullet: { level: 0 } }));
    else children.push(new Paragraph({ spacing: { after: 160 }, children: b.lines.map((l, i) => new TextRun({ text: l, break: i > 0 ? 1 : 0 })) }));
  }
  const pageWord = doc.lang === 'nl' ? 'Pagina ' : 'Page ';
  const document = new Document({
    creator: doc.letterhead[0] ?? '',
    title: doc.title,
    styles: { default: { document: { run: { font: 'Arial', size: 21 } } } },
    sections: [
      {
        properties: { page: { size: A4, margin: { top: 1700, bottom: 1200, left: 1134, right: 1134 } } },
        headers: {
          default: new Header({
            children: doc.letterhead.map((l, i) => new Paragraph({ children: [new TextRun({ text: l, bold: i === 0, size: i === 0 ? 24 : 17, color: '1F3A5F' })] })),
          }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.RIGHT,
                children: [new TextRun({ size: 16, children: [pageWord, PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES] })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
