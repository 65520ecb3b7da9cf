/**
 * The demo National Register: a CSV of FICTITIOUS people (examples/national-register/people.csv),
 * read at the first lookup and again whenever the file changes. Lines starting with `#` are
 * comments; the first other line names the columns:
 *   niss,first_name,last_name,birth_date,street,number,box,postal_code,city,language
 */
import { readFile, stat } from 'node:fs/promises';
import type { Address } from '../../engine/fields';
import { parseNiss } from '../../engine/fields';
import type { NationalRegisterPerson, NationalRegisterPort } from '../../runtime/ports/national-register.port';

/** Splits one CSV line (RFC 4180 quoting: "a, b" and "" for a quote inside quotes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** The people of a CSV text, by national number; lines with an invalid number are an error. */
export function parsePeopleCsv(text: string, source = 'people.csv'): Map<string, NationalRegisterPerson> {
  const people = new Map<string, NationalRegisterPerson>();
  let header: string[] | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const cells = splitCsvLine(line);
    if (!header) {
      header = cells;
      return;
    }
    const cols = header;
    const get = (name: string): string => cells[cols.indexOf(name)] ?? '';
    const niss = parseNiss(get('niss'));
    if (!niss) throw new Error(`${source}:${i + 1}: "${get('niss')}" is not a valid national number`);
    const street = get('street');
    const number = get('number');
    const postalCode = get('postal_code');
    const city = get('city');
    let address: Address | null = null;
    if (street && number && postalCode && city) {
      address = { street, number, postalCode, city, country: 'BE' };
      const box = get('box');
      if (box) address.box = box;
    }
    const language = get('language');
    people.set(niss.digits, {
      niss: niss.digits,
      firstName: get('first_name'),
      lastName: get('last_name'),
      birthDate: get('birth_date') || niss.birthDate,
      address,
      language: language === 'fr' || language === 'nl' ? language : null,
    });
  });
  return people;
}

export function openDemoNationalRegister(csvPath: string): NationalRegisterPort {
  let cache: { mtimeMs: number; people: Map<string, NationalRegisterPerson> } | null = null;
  // One read at a time: concurrent first lookups share it.
  let loading: Promise<Map<string, NationalRegisterPerson>> | null = null;

  const load = async (): Promise<Map<string, NationalRegisterPerson>> => {
    const { mtimeMs } = await stat(csvPath);
    if (cache && cache.mtimeMs === mtimeMs) return cache.people;
    const people = parsePeopleCsv(await readFile(csvPath, 'utf8'), csvPath);
    cache = { mtimeMs, people };
    return people;
  };

  return {
    lookup: async (niss) => {
      loading ??= load().finally(() => {
        loading = null;
      });
      const people = await loading;
      const digits = parseNiss(niss)?.digits ?? niss;
      const person = people.get(digits);
      return person ? { ...person, ...(person.address ? { address: { ...person.address } } : {}) } : null;
    },
  };
}
