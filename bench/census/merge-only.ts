/**
 * Runs only the census mail merge benchmark; prints one JSON line: {"merge_500_s": …}.
 *
 *   npx tsx bench/census/merge-only.ts [--count=500]
 */
import { benchMerge500 } from './merge.bench-part';

const arg = process.argv.find((a) => a.startsWith('--count='));
const count = arg ? Number(arg.slice('--count='.length)) : 500;

benchMerge500(count).then(
  (s) => process.stdout.write(`${JSON.stringify({ merge_500_s: s, letters: count })}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
