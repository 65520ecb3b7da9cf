/**
 * Runs only the census signature benchmark; prints one JSON line: {"sign_500_s": …}.
 *
 *   npx tsx bench/census/sign-only.ts [--count=500]
 */
import { benchSign500 } from './sign.bench-part';

const arg = process.argv.find((a) => a.startsWith('--count='));
const count = arg ? Number(arg.slice('--count='.length)) : 500;

benchSign500(count).then(
  (s) => process.stdout.write(`${JSON.stringify({ sign_500_s: s, letters: count })}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
