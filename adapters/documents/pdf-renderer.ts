/**
 * Renders merged letters to PDF with pdfkit: A4, the standard Helvetica font, the commune's
 * letterhead on each page and "Page n / total" per letter. Several letters go into one
 * document (the combined print file), each starting on a new page.
 */
import PDFDocument from 'pdfkit';
import { pageLabel, type MergedDocument } from './document-model';

const MARGIN = 56;

/** The standard fonts speak WinAnsi: narrow no-break spaces (Intl's French money) become spaces. */
function winAnsi(text: string): string {
  return text.replace(/[\u202f\u2009\u2007]/g, ' ');
}

function drawLetterhead(pdf: PDFKit.PDFDocument, doc: MergedDocument): void {
  const [first, ...rest] = doc.letterhead;
  const y = 24;
  pdf.save();
  pdf.font('Helvetica-Bold').fontSize(12).fillColor('#1F3A5F').text(winAnsi(first ?? ''), MARGIN, y, { lineBreak: false });
  pdf.font('Helvetica').fontSize(8).fillColor('#1F3A5F');
  rest.forEach((l, i) => pdf.text(winAnsi(l), MARGIN, y + 16 + i * 10, { lineBreak: false }));
  pdf.restore();
  pdf.fillColor('black');
}

function drawBody(pdf: PDFKit.PDFDocument, doc: MergedDocument): void {
  const width = pdf.page.width - 2 * MARGIN;
  pdf.x = MARGIN;
  pdf.y = 100;
  doc.blocks.forEach((b, i) => {
    if (b.kind === 'heading') {
      pdf.moveDown(0.5).font('Helvetica-Bold').fontSize(12).text(winAnsi(b.text), MARGIN, undefined, { width }).moveDown(0.3);
    } else if (b.kind === 'item') {
      pdf.font('Helvetica').fontSize(10.5).text(`•  ${winAnsi(b.text)}`, MARGIN + 12, undefined, { width: width - 12, indent: 0 });
      // Space after a list, as after a paragraph.
      if (doc.blocks[i + 1]?.kind !== 'item') pdf.moveDown(0.6);
    } else {
      pdf.font('Helvetica').fontSize(10.5).text(winAnsi(b.lines.join('\n')), MARGIN, undefined, { width }).moveDown(0.6);
    }
  });
}

/** The letters, one after the other, each from a new page; numbered per letter. */
export function renderPdf(docs: MergedDocument[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({ size: 'A4', margins: { top: 100, bottom: 60, left: MARGIN, right: MARGIN }, bufferPages: true, autoFirstPage: false, info: { Title: docs.length === 1 ? winAnsi(docs[0]?.title ?? '') : 'Census letters' } });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    const ranges: Array<{ doc: MergedDocument; start: number; end: number }> = [];
    const onPage = (): void => {
      const current = ranges[ranges.length - 1];
      if (current) drawLetterhead(pdf, current.doc);
    };
    pdf.on('pageAdded', onPage);
    for (const doc of docs) {
      const start = pdf.bufferedPageRange().start + pdf.bufferedPageRange().count;
      ranges.push({ doc, start, end: start });
      pdf.addPage();
      drawBody(pdf, doc);
      const r = pdf.bufferedPageRange();
      const last = ranges[ranges.length - 1];
      if (last) last.end = r.start + r.count - 1;
    }
    pdf.removeListener('pageAdded', onPage);
    for (const { doc, start, end } of ranges) {
      const total = end - start + 1;
      for (let p = start; p <= end; p++) {
        pdf.switchToPage(p);
        const bottom = pdf.page.margins.bottom;
        pdf.page.margins.bottom = 0;
        pdf.font('Helvetica').fontSize(8).fillColor('#555555').text(pageLabel(doc.lang, p - start + 1, total), MARGIN, pdf.page.height - 36, { width: pdf.page.width - 2 * MARGIN, align: 'right', lineBreak: false });
        pdf.page.margins.bottom = bottom;
      }
    }
    pdf.end();
  });
}
