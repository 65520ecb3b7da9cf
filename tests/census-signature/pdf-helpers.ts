/** Letters to sign (pdfkit) and poppler's `pdfsig` verdict on a signed PDF. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';

/** A one-page census letter, as the mail merge would make it. */
export function letterPdf(company: string, n = 1): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', info: { Title: `Recensement ${company}` } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(14).text('Commune de démonstration — Service des taxes / Demogemeente — Dienst Belastingen');
    doc.moveDown().fontSize(11).text(`À l’attention de ${company} (n° ${n})`);
    doc.moveDown().text('Madame, Monsieur, veuillez trouver ci-joint le formulaire de déclaration de la taxe communale.');
    doc.moveDown().text('L’échevin des finances — Le secrétaire communal');
    doc.end();
  });
}

export interface PdfSigSignature {
  commonName: string;
  valid: boolean;
  subFilter: string;
  totalDocument: boolean;
  raw: string;
}

/** Runs `pdfsig` on the bytes and parses its report, one entry per signature. */
export function pdfsig(pdf: Buffer): { signatures: PdfSigSignature[]; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pdfsig-'));
  try {
    const file = join(dir, 'signed.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync('/usr/bin/pdfsig', [file], { encoding: 'utf8' });
    const output = `${r.stdout}${r.stderr}`;
    const blocks = output.split(/^Signature #\d+:$/m).slice(1);
    return {
      output,
      signatures: blocks.map((b) => ({
        commonName: /Signer Certificate Common Name: (.*)$/m.exec(b)?.[1]?.trim() ?? '',
        valid: /Signature Validation: Signature is Valid\./.test(b),
        subFilter: /Signature Type: (.*)$/m.exec(b)?.[1]?.trim() ?? '',
        totalDocument: /Total document signed/.test(b) && !/Not total document signed/.test(b),
        raw: b,
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
