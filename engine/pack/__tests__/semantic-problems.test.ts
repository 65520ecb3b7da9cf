import { loadPack } from '../load-pack';
import { BASE_FILES, PROCESS_YAML, RECORD_YAML, loadWith, onlyProblem, replaceOnce, where, withCode } from './pack-fixture';

const processWith = (from: string, to: string) => ({ 'processes/request.yaml': replaceOnce(PROCESS_YAML, from, to) });

/** The fixture process's header (lines 1-14, `states:` last) followed by the given states. */
const HEADER = PROCESS_YAML.slice(0, PROCESS_YAML.indexOf('states:\n') + 'states:\n'.length);
const processWithStates = (states: string) => ({ 'processes/request.yaml': HEADER + states });

describe('references between definitions', () => {
  it('an unknown target state is reported at the value of its to:, with the known states', () => {
    const result = loadWith(processWith('        to: done\n', '        to: finished\n'));
    const [p] = withCode(result, 'unknown-state');
    expect(where(p!)).toEqual({ file: 'processes/request.yaml', line: 19, col: 13, path: '/states/new/on/submit/to', code: 'unknown-state' });
    expect(p!.message).toBe('Unknown state "finished". Known states: new, done');
    expect(result.pack).toBeNull();
  });

  it('an unknown target in the short form event: state is reported at the target', () => {
    const result = loadWith(processWith('      submit:\n        to: done\n        if: "record.company_name != null"\n', '      submit: finished\n'));
    const [p] = withCode(result, 'unknown-state');
    expect(where(p!)).toEqual({ file: 'processes/request.yaml', line: 18, col: 15, path: '/states/new/on/submit', code: 'unknown-state' });
  });

  it('an unknown initial state is reported at initial:', () => {
    const [p] = withCode(loadWith(processWith('initial: new\n', 'initial: start\n')), 'unknown-state');
    expect(where(p!)).toMatchObject({ line: 4, col: 10, path: '/initial' });
  });

  it('an event under on: that is not declared under events: is reported at the event name', () => {
    const p = onlyProblem(loadWith(processWith('  done:\n    type: final\n', '  done:\n    on:\n      reopen: new\n    type: final\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 23, col: 7, path: '/states/done/on/reopen', code: 'unknown-event' });
    expect(p.message).toBe('Event "reopen" is not declared under `events:` of the process');
  });

  it('setting a field the record type does not have is reported at the field name', () => {
    const p = onlyProblem(loadWith(processWith('        to: done\n', '        to: done\n        do:\n          - set: { nope: "1" }\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 21, col: 20, path: '/states/new/on/submit/do/0/set/nope', code: 'unknown-field' });
    expect(p.message).toBe('Record type "request" has no field "nope"');
  });

  it('an event role that no roles file defines is reported at that item of the list', () => {
    const p = onlyProblem(loadWith(processWith('    roles: [clerk]\n', '    roles: [clerk, mayor]\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 11, col: 20, path: '/events/submit/roles/1', code: 'unknown-reference' });
    expect(p.message).toBe('Unknown role "mayor". Known: clerk');
  });

  it('assigning to an unknown queue is reported at the queue name', () => {
    const p = onlyProblem(loadWith(processWith('    status: open\n', '    status: open\n    entry:\n      - assign: { queue: back-office }\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 18, col: 26, path: '/states/new/entry/0/assign/queue', code: 'unknown-reference' });
    expect(p.message).toBe('Unknown queue "back-office". Known: front-desk');
  });

  it('notifying or emailing with an unknown template is reported at each template name', () => {
    const result = loadWith(
      processWith('    status: open\n', '    status: open\n    entry:\n      - notify: { role: clerk, template: welcome }\n      - email: { template: goodbye, to: record.company_name }\n'),
    );
    expect(result.problems.map(where)).toEqual([
      { file: 'processes/request.yaml', line: 18, col: 42, path: '/states/new/entry/0/notify/template', code: 'unknown-reference' },
      { file: 'processes/request.yaml', line: 19, col: 28, path: '/states/new/entry/1/email/template', code: 'unknown-reference' },
    ]);
    expect(result.problems.map((p) => p.message)).toEqual(['Unknown template "welcome". Known: reminder', 'Unknown template "goodbye". Known: reminder']);
  });

  it('notifying an unknown role is reported at the role name', () => {
    const p = onlyProblem(loadWith(processWith('    status: open\n', '    status: open\n    entry:\n      - notify: { role: mayor, template: reminder }\n')));
    expect(where(p)).toMatchObject({ line: 18, col: 25, path: '/states/new/entry/0/notify/role', code: 'unknown-reference' });
  });

  it('a timer on an unknown calendar is reported at the calendar name', () => {
    const p = onlyProblem(loadWith(processWith('  done:\n', '    after:\n      - delay: P15D\n        calendar: weekend\n        to: done\n  done:\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 23, col: 19, path: '/states/new/after/0/calendar', code: 'unknown-reference' });
    expect(p.message).toBe('Unknown calendar "weekend". Known: office');
  });

  it('a process on an unknown record type is reported at record:', () => {
    const p = onlyProblem(loadWith(processWith('record: request\n', 'record: demand\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 2, col: 9, path: '/record', code: 'unknown-reference' });
  });

  it('a queue worked by an unknown role is reported in the routing file', () => {
    const p = onlyProblem(loadWith({ 'routing.yaml': 'queues:\n  front-desk:\n    label: { fr: Accueil, nl: Onthaal }\n    roles: [clerk, porter]\n' }));
    expect(where(p)).toEqual({ file: 'routing.yaml', line: 4, col: 20, path: '/queues/front-desk/roles/1', code: 'unknown-reference' });
  });
});

describe('the shape of the state tree', () => {
  it('a state no transition leads to is reported at its name as unreachable', () => {
    const p = onlyProblem(loadWith({ 'processes/request.yaml': `${PROCESS_YAML}  limbo:\n    status: open\n` }));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 24, col: 3, path: '/states/limbo', code: 'unreachable-state' });
    expect(p.message).toBe('State "limbo" can never be reached: no transition, timer or approval leads to it');
  });

  it('a state reached only through an approval or a timer is reachable', () => {
    const result = loadWith(
      processWithStates(`  new:
    status: open
    after:
      - delay: P1D
        to: review
  review:
    status: open
    approval:
      steps:
        - any-of: [ { role: clerk } ]
      approved: done
      rejected: new
  done:
    type: final
    status: closed
`),
    );
    expect(result.problems).toEqual([]);
  });

  it('a state name used twice, once nested, is reported at the second one', () => {
    const result = loadWith(
      processWithStates(`  new:
    status: open
    on:
      submit: review
  review:
    status: open
    initial: checking
    states:
      checking:
        on:
          submit: done
      done:
        status: open
  done:
    type: final
    status: closed
`),
    );
    const p = onlyProblem(result);
    // The nested `done` is on line 26, the top-level one on line 28.
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 28, col: 3, path: '/states/done', code: 'duplicate-state' });
    expect(p.message).toBe('State "done" is defined twice in this process: state names must be unique');
  });

  it('a compound state without initial: is reported at its name', () => {
    const result = loadWith(
      processWithStates(`  new:
    status: open
    on:
      submit: review
  review:
    status: open
    states:
      checking:
        on:
          submit: done
  done:
    type: final
    status: closed
`),
    );
    const [p] = withCode(result, 'missing-initial');
    expect(where(p!)).toEqual({ file: 'processes/request.yaml', line: 19, col: 3, path: '/states/review', code: 'missing-initial' });
    expect(p!.message).toBe('Compound state "review" needs `initial:` naming one of its child states');
  });

  it('an initial: that names no child state is reported at initial:', () => {
    const result = loadWith(
      processWithStates(`  new:
    status: open
    on:
      submit: review
  review:
    status: open
    initial: checkin
    states:
      checking:
        on:
          submit: done
  done:
    type: final
    status: closed
`),
    );
    const [p] = withCode(result, 'bad-initial');
    expect(where(p!)).toMatchObject({ line: 21, col: 14, path: '/states/review/initial' });
  });

  it('a leaf state without a status of its own or from a parent is reported at its name', () => {
    const p = onlyProblem(loadWith(processWith('    type: final\n    status: closed\n', '    type: final\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 21, col: 3, path: '/states/done', code: 'missing-status' });
    expect(p.message).toBe('State "done" needs a status (for lists), itself or from a parent state');
  });

  it('a leaf state takes its status from its parent', () => {
    const result = loadWith(
      processWithStates(`  new:
    status: open
    initial: typing
    states:
      typing:
        on:
          submit: done
  done:
    type: final
    status: closed
`),
    );
    expect(result.problems).toEqual([]);
  });

  it('a status that statuses: does not list is reported at the status value', () => {
    const p = onlyProblem(loadWith(processWith('    status: closed\n', '    status: archived\n')));
    expect(where(p)).toMatchObject({ line: 23, col: 13, path: '/states/done/status', code: 'unknown-reference' });
    expect(p.message).toBe('Unknown status "archived". Known: open, closed');
  });

  it('an event named like an engine event is refused', () => {
    const result = loadWith(processWith('events:\n', 'events:\n  approve:\n    label: { fr: Approuver, nl: Goedkeuren }\n'));
    expect(where(onlyProblem(result))).toMatchObject({ line: 9, col: 3, path: '/events/approve', code: 'reserved-event' });
  });
});

describe('definitions across files', () => {
  it('a record type id defined in two files is reported in one of them, naming the other', () => {
    const other = replaceOnce(RECORD_YAML, 'label: { fr: Demande, nl: Aanvraag }', 'label: { fr: Autre demande, nl: Andere aanvraag }');
    const p = onlyProblem(loadWith({ 'records/request-copy.yaml': other }));
    expect(where(p)).toEqual({ file: 'records/request.yaml', line: 1, col: 9, path: '/record', code: 'duplicate-id' });
    expect(p.message).toBe('record "request" is defined twice (also in records/request-copy.yaml)');
    expect(p.text.fr).toContain('records/request-copy.yaml');
    expect(p.text.nl).toContain('records/request-copy.yaml');
  });

  it('a role defined in two roles files is reported with the other file', () => {
    const p = onlyProblem(loadWith({ 'more-roles.yaml': 'roles:\n  clerk:\n    label: { fr: Commis, nl: Klerk }\n' }));
    expect(where(p)).toMatchObject({ file: 'roles.yaml', line: 2, col: 3, path: '/roles/clerk', code: 'duplicate-id' });
    expect(p.message).toContain('also in more-roles.yaml');
  });

  it('a pack without pack.yaml says so', () => {
    const files: Record<string, string> = { ...BASE_FILES };
    delete files['pack.yaml'];
    const p = onlyProblem(loadPack(files));
    expect(where(p)).toEqual({ file: 'pack.yaml', line: 1, col: 1, path: '', code: 'missing-pack-file' });
  });
});

describe('texts in both official languages', () => {
  it('a label with only the French text is reported as missing its Dutch text', () => {
    const p = onlyProblem(loadWith(processWith('  closed: { fr: Clôturé, nl: Afgesloten }\n', '  closed: { fr: Clôturé }\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 7, col: 3, path: '/statuses/closed', code: 'missing-label' });
    expect(p.message).toMatch(/Nederlands/);
  });

  it('a block label with only the Dutch text is reported as missing its French text', () => {
    const record = replaceOnce(RECORD_YAML, '    label: { fr: Montant, nl: Bedrag }\n', '    label:\n      nl: Bedrag\n');
    const p = onlyProblem(loadWith({ 'records/request.yaml': record }));
    expect(where(p)).toEqual({ file: 'records/request.yaml', line: 9, col: 5, path: '/fields/amount/label', code: 'missing-label' });
    expect(p.text.fr).toBe('Il manque le texte en français / Frans');
  });

  it('an English text is optional', () => {
    expect(loadWith(processWith('  open: { fr: Ouvert, nl: Open }', '  open: { fr: Ouvert, nl: Open, en: Open }')).problems).toEqual([]);
  });
});
