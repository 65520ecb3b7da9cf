import { PROBLEM_CODES, problemText } from '../pack-messages';
import { formatProblem } from '../../errors';
import { PROCESS_YAML, RECORD_YAML, loadWith, onlyProblem, replaceOnce } from './pack-fixture';

/** Codes whose text is only a detail from a library, the same in every language. */
const UNTRANSLATED = new Set(['schema-other']);

/** A pack broken in many ways at once: at least one problem of most kinds. */
function brokenPack() {
  const process = `process: request
record: request
label: { fr: Demande }
initial: new
statuses:
  open: { fr: Ouvert, nl: Open }
events:
  submit:
    label: { fr: Soumettre, nl: Indienen }
    roles: [mayor]
  update:
    label: { fr: Modifier, nl: Wijzigen }
states:
  new:
    status: open
    entry:
      - assign: { queue: back-office }
      - notify: { template: welcome }
    on:
      submit:
        to: finished
        if: "record.nope != null"
      cancel: done
    after:
      - delay: P1D
        calendar: weekend
        to: done
        if: "\\"a\\" + 1 == \\"a1\\""
  review:
    states:
      checking:
        status: open
  done:
    type: final
`;
  const record = replaceOnce(RECORD_YAML, '  amount:\n', '  total-amount:\n');
  return loadWith({ 'processes/request.yaml': process, 'records/other.yaml': record });
}

describe('problem texts in French, Dutch and English', () => {
  it.each(PROBLEM_CODES.filter((c) => !UNTRANSLATED.has(c)))('%s has French and Dutch texts that differ from the English one', (code) => {
    const text = problemText(code, { state: 'x', event: 'e', field: 'f', record: 'r', kind: 'role', id: 'i', known: 'k', other: 'o', lang: 'l', detail: 'd', property: 'p', expected: 'string', allowed: 'a, b', value: 'v', description: 'desc', options: 'a, b', why: 'w', type: 't', column: 'c', part: 'pt' });
    expect(text.fr).not.toBe('');
    expect(text.nl).not.toBe('');
    expect(text.fr).not.toBe(text.en);
    expect(text.nl).not.toBe(text.en);
    expect(text.nl).not.toBe(text.fr);
    expect(`${text.en}${text.fr}${text.nl}`).not.toMatch(/\{\w+\}/);
  });

  it('every problem of a badly broken pack carries French and Dutch texts different from English', () => {
    const { problems } = brokenPack();
    const codes = new Set(problems.map((p) => p.code));
    for (const code of ['missing-label', 'unknown-reference', 'unknown-state', 'unknown-event', 'cel-unknown-field', 'cel-type', 'reserved-event', 'missing-initial', 'missing-status', 'unreachable-state', 'schema-pattern']) {
      expect(codes).toContain(code);
    }
    for (const p of problems) {
      expect(p.message).toBe(p.text.en);
      expect(p.text.fr).not.toBe(p.text.en);
      expect(p.text.nl).not.toBe(p.text.en);
    }
  });

  it('an unknown state reads naturally in each language', () => {
    const p = onlyProblem(loadWith({ 'processes/request.yaml': replaceOnce(PROCESS_YAML, '  done:\n', '  done:\n    on:\n      submit: nowhere\n') }));
    expect(p.text).toEqual({
      en: 'Unknown state "nowhere". Known states: new, done',
      fr: 'État inconnu « nowhere ». États connus : new, done',
      nl: 'Onbekende toestand "nowhere". Bekende toestanden: new, done',
    });
  });

  it('an undeclared event reads naturally in each language', () => {
    const p = onlyProblem(loadWith({ 'processes/request.yaml': replaceOnce(PROCESS_YAML, '  done:\n', '  done:\n    on:\n      reopen: new\n') }));
    expect(p.text).toEqual({
      en: 'Event "reopen" is not declared under `events:` of the process',
      fr: 'L’événement « reopen » n’est pas déclaré sous `events:` du processus',
      nl: 'Gebeurtenis "reopen" is niet gedeclareerd onder `events:` van het proces',
    });
  });

  it('an unknown reference names the kind of definition in the reader’s language', () => {
    const p = onlyProblem(loadWith({ 'processes/request.yaml': replaceOnce(PROCESS_YAML, 'roles: [clerk]', 'roles: [mayor]') }));
    expect(p.text).toEqual({
      en: 'Unknown role "mayor". Known: clerk',
      fr: 'Référence inconnue : rôle « mayor ». Connus : clerk',
      nl: 'Onbekende verwijzing: rol "mayor". Bekend: clerk',
    });
  });

  it('a missing required property is translated with the property name kept as written', () => {
    const p = onlyProblem(loadWith({ 'records/request.yaml': replaceOnce(RECORD_YAML, 'label: { fr: Demande, nl: Aanvraag }\n', '') }));
    expect(p.text.fr).toBe('Propriété obligatoire manquante « label »');
    expect(p.text.nl).toBe('Verplichte eigenschap "label" ontbreekt');
  });

  it('formats a problem as file:line:col: message (path) in the asked language', () => {
    const p = onlyProblem(loadWith({ 'processes/request.yaml': replaceOnce(PROCESS_YAML, '        to: done\n', '        to: done\n        do:\n          - set: { nope: "1" }\n') }));
    expect(formatProblem(p)).toBe('processes/request.yaml:21:20: Record type "request" has no field "nope" (/states/new/on/submit/do/0/set/nope)');
    expect(formatProblem(p, 'nl')).toBe('processes/request.yaml:21:20: Recordtype "request" heeft geen veld "nope" (/states/new/on/submit/do/0/set/nope)');
    expect(formatProblem(p, 'fr')).toBe('processes/request.yaml:21:20: Le type d’enregistrement « request » n’a pas de champ « nope » (/states/new/on/submit/do/0/set/nope)');
  });
});
