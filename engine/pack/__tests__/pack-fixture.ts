/**
 * A small, valid definition pack written inline, and helpers to break one file of it.
 * The YAML is flush left so that a line of a test's template literal is the line the loader reports.
 */
import type { Problem } from '../../errors';
import { loadPack, type LoadResult } from '../load-pack';

export const PACK_YAML = `pack: test-pack
name: { fr: Pack de test, nl: Testpakket }
languages: [fr, nl]
timezone: Europe/Brussels
`;

export const ROLES_YAML = `roles:
  clerk:
    label: { fr: Employé, nl: Bediende }
    records: { request: [read, create, update] }
`;

export const ROUTING_YAML = `queues:
  front-desk:
    label: { fr: Accueil, nl: Onthaal }
    roles: [clerk]
`;

export const CALENDARS_YAML = `calendars:
  office:
    timezone: Europe/Brussels
    hours:
      mon: [["09:00", "12:00"]]
`;

export const TEMPLATE_YAML = `template: reminder
kind: email
subject: { fr: Rappel, nl: Herinnering }
body: { fr: Votre demande attend, nl: Uw aanvraag wacht }
`;

export const RECORD_YAML = `record: request
label: { fr: Demande, nl: Aanvraag }
fields:
  company_name:
    type: text
    label: { fr: Dénomination, nl: Benaming }
  amount:
    type: money
    label: { fr: Montant, nl: Bedrag }
`;

/** Line 14 is `states:`; the `submit` transition's `to:` is on line 19 and its guard on line 20. */
export const PROCESS_YAML = `process: request
record: request
label: { fr: Demande, nl: Aanvraag }
initial: new
statuses:
  open: { fr: Ouvert, nl: Open }
  closed: { fr: Clôturé, nl: Afgesloten }
events:
  submit:
    label: { fr: Soumettre, nl: Indienen }
    roles: [clerk]
    fields:
      note: { type: text, label: { fr: Note, nl: Nota } }
states:
  new:
    status: open
    on:
      submit:
        to: done
        if: "record.company_name != null"
  done:
    type: final
    status: closed
`;

export const BASE_FILES: Readonly<Record<string, string>> = {
  'pack.yaml': PACK_YAML,
  'roles.yaml': ROLES_YAML,
  'routing.yaml': ROUTING_YAML,
  'calendars.yaml': CALENDARS_YAML,
  'templates/reminder.yaml': TEMPLATE_YAML,
  'records/request.yaml': RECORD_YAML,
  'processes/request.yaml': PROCESS_YAML,
};

/** Loads the base pack with some files replaced or added. */
export function loadWith(changes: Record<string, string>): LoadResult {
  return loadPack({ ...BASE_FILES, ...changes });
}

/** Replaces text that must occur exactly once, so that a fixture edit never silently does nothing. */
export function replaceOnce(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`expected exactly one ${JSON.stringify(from)} in the fixture, found ${count}`);
  return text.replace(from, () => to);
}

export function withCode(result: LoadResult, code: string): Problem[] {
  return result.problems.filter((p) => p.code === code);
}

/** The one problem of a load, failing with the whole list when there is not exactly one. */
export function onlyProblem(result: LoadResult): Problem {
  if (result.problems.length !== 1) throw new Error(`expected exactly one problem, got:\n${result.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code} ${p.message}`).join('\n')}`);
  return result.problems[0] as Problem;
}

/** The parts of a problem an admin reads to find it. */
export function where(p: Problem): { file: string; line: number; col: number; path: string; code: string } {
  return { file: p.file, line: p.line, col: p.col, path: p.path, code: p.code };
}
