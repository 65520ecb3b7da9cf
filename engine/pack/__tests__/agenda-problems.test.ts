/**
 * `agendas:` files: the runtime reads the agenda's fields as datetime, enum, boolean… and filters
 * on its states, so a wrong name or type is a load problem, in the admin's language.
 */
import { PROCESS_YAML, RECORD_YAML, loadWith, onlyProblem, replaceOnce, where, withCode } from './pack-fixture';

const RECORD = replaceOnce(RECORD_YAML, '  amount:\n', `  visit_at:
    type: datetime
    label: { fr: Visite, nl: Bezoek }
  area:
    type: enum
    label: { fr: Quartier, nl: Wijk }
    values:
      north: { fr: Nord, nl: Noord }
  joins:
    type: boolean
    label: { fr: Accompagne, nl: Gaat mee }
  amount:
`);

/** Line 10 is `planned:`, line 12 is `invite:`. */
const AGENDA = `agendas:
  visits:
    label: { fr: Agenda des visites, nl: Bezoekagenda }
    record: request
    at: visit_at
    duration: PT1H
    group: area
    person: company_name
    done: [done]
    planned: [new]
    roles: [clerk]
    invite: { role: clerk, if: joins }
`;

const load = (agenda: string) => loadWith({ 'records/request.yaml': RECORD, 'agendas.yaml': agenda });

describe('agendas', () => {
  it('a correct agenda loads', () => {
    const result = load(AGENDA);
    expect(result.problems).toEqual([]);
    expect(result.pack?.agendas?.['visits']).toMatchObject({ record: 'request', at: 'visit_at', planned: ['new'], invite: { role: 'clerk', if: 'joins' } });
  });

  it('an unknown field is reported at its name, in French and Dutch too', () => {
    const p = onlyProblem(load(replaceOnce(AGENDA, 'at: visit_at', 'at: visited')));
    expect(where(p)).toEqual({ file: 'agendas.yaml', line: 5, col: 9, path: '/agendas/visits/at', code: 'unknown-field' });
    expect(p.text).toEqual({
      en: 'Record type "request" has no field "visited"',
      fr: 'Le type d’enregistrement « request » n’a pas de champ « visited »',
      nl: 'Recordtype "request" heeft geen veld "visited"',
    });
  });

  it('a field of the wrong type is reported with the type needed', () => {
    const p = onlyProblem(load(replaceOnce(AGENDA, 'if: joins', 'if: area')));
    expect(where(p)).toMatchObject({ file: 'agendas.yaml', line: 12, path: '/agendas/visits/invite/if', code: 'field-wrong-type' });
    expect(p.text).toEqual({
      en: 'Field "area" of record type "request" has type enum; this needs a field of type boolean',
      fr: 'Le champ « area » du type « request » est de type enum ; il faut ici un champ boolean',
      nl: 'Veld "area" van recordtype "request" is van het type enum; hier is een veld van het type boolean nodig',
    });
    expect(withCode(load(replaceOnce(AGENDA, 'at: visit_at', 'at: area')), 'field-wrong-type')[0]?.path).toBe('/agendas/visits/at');
    expect(withCode(load(replaceOnce(AGENDA, 'group: area', 'group: joins')), 'field-wrong-type')[0]?.path).toBe('/agendas/visits/group');
  });

  it('an unknown state is reported with the states of the record’s process', () => {
    const p = onlyProblem(load(replaceOnce(AGENDA, 'planned: [new]', 'planned: [scheduled]')));
    expect(where(p)).toEqual({ file: 'agendas.yaml', line: 10, col: 15, path: '/agendas/visits/planned/0', code: 'unknown-state' });
    expect(p.text).toEqual({
      en: 'Unknown state "scheduled". Known states: new, done',
      fr: 'État inconnu « scheduled ». États connus : new, done',
      nl: 'Onbekende toestand "scheduled". Bekende toestanden: new, done',
    });
  });

  it('states are not checked when the process file itself failed (no false alarm)', () => {
    const result = loadWith({ 'records/request.yaml': RECORD, 'agendas.yaml': replaceOnce(AGENDA, 'planned: [new]', 'planned: [scheduled]'), 'processes/request.yaml': replaceOnce(PROCESS_YAML, 'initial: new\n', 'initial: 12\n') });
    expect(withCode(result, 'unknown-state')).toEqual([]);
    expect(result.pack).toBeNull();
  });

  it('an unknown role is reported', () => {
    const p = onlyProblem(load(replaceOnce(AGENDA, 'roles: [clerk]', 'roles: [mayor]')));
    expect(where(p)).toMatchObject({ path: '/agendas/visits/roles/0', code: 'unknown-reference' });
    expect(p.text.nl).toBe('Onbekende verwijzing: rol "mayor". Bekend: clerk');
  });
});
