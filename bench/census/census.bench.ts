/**
 * `npm run bench:census` — the census figures on this machine, each measured by a part in
 * this folder on its own fresh durable store: import a 10,000-row Belfirst file into dossiers,
 * bulk-merge 500 letters to DOCX and PDF, sign 500 PDFs (sign, store, approve each). Prints a
 * line per measure, then one JSON line (the last line):
 *   {"import_10k_s": …, "merge_500_s": …, "sign_500_s": …, "onyx_export_10k_s": …}
 * (the Onyx export of 10,000 closed dossiers is timed last; walking them to closed is not timed)
 */
import { benchImport10k } from './import.bench-part';
import { benchMerge500 } from './merge.bench-part';
import { benchSign500 } from './sign.bench-part';
import { benchOnyxExport10k } from './onyx-export.bench-part';

async function main(): Promise<void> {
  const importS = await benchImport10k();
  process.stdout.write(`import a 10,000-row Belfirst file into dossiers: ${importS} s (target < 10 s)\n`);
  const mergeS = await benchMerge500();
  process.stdout.write(`bulk-merge 500 letters to DOCX and PDF:         ${mergeS} s (target < 60 s)\n`);
  const signS = await benchSign500();
  process.stdout.write(`sign 500 PDFs (PAdES), store them, approve:      ${signS} s (target < 60 s)\n`);
  const onyxS = await benchOnyxExport10k();
  process.stdout.write(`export 10,000 closed dossiers to Onyx (.xlsx):   ${onyxS} s\n`);
  // The first three keys keep their place: readers of this line take them in this order.
  process.stdout.write(`${JSON.stringify({ import_10k_s: importS, merge_500_s: mergeS, sign_500_s: signS, onyx_export_10k_s: onyxS })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
