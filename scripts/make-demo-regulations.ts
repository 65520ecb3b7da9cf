/**
 * Writes the demo tax regulation texts (fictitious, a few KB each) attached to census
 * letters: examples/regulations/<regulation id>.<fr|nl>.pdf, one per value of the dossier's
 * `tax_regulation` enum. Run once; the PDFs are committed.
 *
 *   npx tsx scripts/make-demo-regulations.ts [outDir]
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import PDFDocument from 'pdfkit';
import { parse } from 'yaml';

const root = resolve(__dirname, '..');
const out = resolve(process.argv[2] ?? join(root, 'examples', 'regulations'));
mkdirSync(out, { recursive: true });

interface Labels { fr: string; nl: string }
const dossier = parse(readFileSync(join(root, 'definitions', 'brussels-commune', 'records', 'dossier.yaml'), 'utf8')) as { fields: { tax_regulation: { values: Record<string, Labels> } } };

const articles: Record<'fr' | 'nl', string[]> = {
  fr: [
    'Article 1. Il est établi, pour les exercices 2026 à 2030, une taxe communale annuelle telle que définie ci-dessus.',
    'Article 2. La taxe est due par la personne physique ou morale qui exploite l’élément imposable au 1er janvier de l’exercice.',
    'Article 3. L’administration communale adresse au redevable un formulaire de déclaration que celui-ci est tenu de renvoyer, dûment rempli et signé, dans le mois de son envoi.',
    'Article 4. À défaut de déclaration ou en cas de déclaration incorrecte, incomplète ou imprécise, le redevable est imposé d’office. La taxe enrôlée d’office est majorée d’un montant égal à la taxe due.',
    'Article 5. La taxe est perçue par voie de rôle. Le redevable peut introduire une réclamation auprès du Collège des Bourgmestre et Échevins.',
    'Document de démonstration — texte fictif.',
  ],
  nl: [
    'Artikel 1. Voor de aanslagjaren 2026 tot 2030 wordt een jaarlijkse gemeentebelasting geheven zoals hierboven omschreven.',
    'Artikel 2. De belasting is verschuldigd door de natuurlijke of rechtspersoon die het belastbare element uitbaat op 1 januari van het aanslagjaar.',
    'Artikel 3. Het gemeentebestuur stuurt de belastingplichtige een aangifteformulier dat hij, behoorlijk ingevuld en ondertekend, binnen de maand na verzending moet terugsturen.',
    'Artikel 4. Bij gebrek aan aangifte of bij onjuiste, onvolledige of onnauwkeurige aangifte wordt de belastingplichtige ambtshalve belast. De ambtshalve ingekohierde belasting wordt verhoogd met een bedrag gelijk aan de verschuldigde belasting.',
    'Artikel 5. De belasting wordt ingevorderd bij kohier. De belastingplichtige kan bezwaar indienen bij het College van Burgemeester en Schepenen.',
    'Demonstratiedocument — fictieve tekst.',
  ],
};

async function write(id: string, lang: 'fr' | 'nl', title: string): Promise<void> {
  const pdf = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title }, compress: true });
  const file = join(out, `${id}.${lang}.pdf`);
  const done = new Promise<void>((ok, ko) => {
    const stream = createWriteStream(file);
    stream.on('finish', ok);
    stream.on('error', ko);
    pdf.pipe(stream);
  });
  pdf.font('Helvetica-Bold').fontSize(10).text(lang === 'nl' ? 'Gemeente Brussel — Gemeenteraad' : 'Commune de Bruxelles — Conseil communal');
  pdf.moveDown().fontSize(15).text(lang === 'nl' ? `Belastingreglement: ${title}` : `Règlement-taxe : ${title}`);
  pdf.moveDown().font('Helvetica').fontSize(10.5);
  for (const a of articles[lang]) pdf.text(a, { align: 'justify' }).moveDown(0.6);
  pdf.end();
  await done;
  process.stdout.write(`${file}\n`);
}

async function main(): Promise<void> {
  for (const [id, labels] of Object.entries(dossier.fields.tax_regulation.values)) {
    await write(id, 'fr', labels.fr);
    await write(id, 'nl', labels.nl);
  }
}

void main();
