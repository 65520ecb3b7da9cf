/**
 * The "no French on a Dutch screen" check the e2e journeys share: every French text of the
 * interface and of the pack that differs from its Dutch version is looked for in what the page
 * shows, along with interface keys left untranslated.
 *
 * @example
 *   await expectDutchScreen(page, 'import-preview', { keyPattern: /\b(?:import|nav)\.[a-z][A-Za-z]+\b/, userData: { selector: '.file-column', fileNames: true } });
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadPack } from '../../engine/pack/load-pack';
import { readPackDir } from '../../runtime/packs/pack-files';
import { REPO_ROOT } from './browser-harness';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Pairs of (French, Dutch) texts, walking two trees of the same shape. */
function pairs(fr: Json, nl: Json, out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof fr === 'string' && typeof nl === 'string') out.push([fr, nl]);
  else if (fr && nl && typeof fr === 'object' && typeof nl === 'object') {
    for (const k of Object.keys(fr)) pairs((fr as Record<string, Json>)[k] ?? null, (nl as Record<string, Json>)[k] ?? null, out);
  }
  return out;
}

/** Fewer markers than this means the locales or the pack were not read, and the check would pass on anything. */
const MIN_MARKERS = 100;

let markerCache: string[] | null = null;
/** The French texts that would give French away on a Dutch screen (placeholders cut out). */
export function frenchMarkers(): string[] {
  if (markerCache) return markerCache;
  const dir = join(REPO_ROOT, 'admin-ui', 'src', 'i18n', 'locales');
  const all: Array<[string, string]> = [];
  for (const file of readdirSync(join(dir, 'fr'))) {
    all.push(...pairs(JSON.parse(readFileSync(join(dir, 'fr', file), 'utf8')) as Json, JSON.parse(readFileSync(join(dir, 'nl', file), 'utf8')) as Json));
  }
  const pack = loadPack(readPackDir(join(REPO_ROOT, 'definitions', 'brussels-commune'))).pack;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['fr'] === 'string' && typeof o['nl'] === 'string') all.push([o['fr'], o['nl']]);
      else Object.values(o).forEach(walk);
    }
  };
  walk(pack);
  const dutch = new Set(all.map(([, n]) => n));
  const markers = new Set<string>();
  for (const [fr, nl] of all) {
    if (fr === nl) continue;
    for (const piece of fr.split(/\{\{[^}]*\}\}/)) {
      const p = piece.trim().replace(/[.:…]+$/, '');
      // Long enough to be French on its own, and not a Dutch text as well (names, loanwords).
      if (p.length >= 5 && !dutch.has(p)) markers.add(p);
    }
  }
  if (markers.size <= MIN_MARKERS) {
    throw new Error(`Only ${markers.size} French texts found in ${dir} and the brussels-commune pack: the Dutch check would prove nothing. Are the fr/ and nl/ locale files in place?`);
  }
  markerCache = [...markers];
  return markerCache;
}

export interface DutchScreenCheck {
  /** Interface keys of the namespaces on these screens, as they would show untranslated. */
  keyPattern: RegExp;
  /** What the page shows that is the user's data, not the interface, and is left out of the check. */
  userData?: {
    /** Elements quoting data (headers from an uploaded spreadsheet, the user's own name). */
    selector?: string;
    /** File names such as `rapport.xlsx`. */
    fileNames?: boolean;
  };
}

/** Asserts that the page is in Dutch, shows no interface key and no French text of the interface or the pack. */
export async function expectDutchScreen(page: Page, screen: string, check: DutchScreenCheck): Promise<void> {
  const markers = frenchMarkers();
  expect(await page.getAttribute('html', 'lang')).toBe('nl');
  const text = await page.evaluate((selector) => {
    const quoted = selector ? [...document.querySelectorAll(selector)] : [];
    quoted.forEach((e) => e.setAttribute('hidden', ''));
    const t = document.body.innerText;
    quoted.forEach((e) => e.removeAttribute('hidden'));
    return t;
  }, check.userData?.selector ?? null);
  const shown = check.userData?.fileNames ? text.replace(/\S+\.(?:xlsx|csv|pdf|docx)\b/g, '') : text;
  const keys = shown.match(check.keyPattern);
  expect({ screen, untranslatedKey: keys?.[0] ?? null }).toEqual({ screen, untranslatedKey: null });
  const french = markers.filter((m) => new RegExp(`(^|[^\\p{L}])${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\p{L}]|$)`, 'u').test(shown));
  expect({ screen, french }).toEqual({ screen, french: [] });
}
