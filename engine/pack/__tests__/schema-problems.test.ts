import { CALENDARS_YAML, PROCESS_YAML, RECORD_YAML, loadWith, onlyProblem, replaceOnce, where } from './pack-fixture';

const processWith = (from: string, to: string) => ({ 'processes/request.yaml': replaceOnce(PROCESS_YAML, from, to) });
const recordWith = (from: string, to: string) => ({ 'records/request.yaml': replaceOnce(RECORD_YAML, from, to) });

describe('files that break the pack schema', () => {
  it('an unknown property is reported at the property name, not at its value', () => {
    const p = onlyProblem(loadWith(processWith('    status: open\n', '    status: open\n    colour: blue\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 17, col: 5, path: '/states/new/colour', code: 'schema-unknown-property' });
    expect(p.message).toBe('Unknown property "colour"');
  });

  it('an unknown property holding a mapping is reported at its name too', () => {
    const p = onlyProblem(loadWith(processWith('  done:\n', '  done:\n    transitions:\n      submit: new\n')));
    expect(where(p)).toMatchObject({ line: 22, col: 5, path: '/states/done/transitions', code: 'schema-unknown-property' });
  });

  it('a misspelt key in a transition is reported alone, without the alternatives it did not match', () => {
    const p = onlyProblem(loadWith(processWith('        to: done\n', '        goto: done\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 19, col: 9, path: '/states/new/on/submit/goto', code: 'schema-unknown-property' });
  });

  it('a missing required property is reported at the object that lacks it', () => {
    // The `submit` event (line 9) has no label.
    const p = onlyProblem(loadWith(processWith('    label: { fr: Soumettre, nl: Indienen }\n', '')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 9, col: 3, path: '/events/submit', code: 'schema-required' });
    expect(p.message).toBe('Missing required property "label"');
  });

  it('a missing required top-level property is reported at the start of the file', () => {
    const p = onlyProblem(loadWith(recordWith('label: { fr: Demande, nl: Aanvraag }\n', '')));
    expect(where(p)).toEqual({ file: 'records/request.yaml', line: 1, col: 1, path: '', code: 'schema-required' });
  });

  it('a value of the wrong type is reported at the value', () => {
    const p = onlyProblem(loadWith(recordWith('    type: money\n', '    type: money\n    required: "yes"\n')));
    expect(where(p)).toEqual({ file: 'records/request.yaml', line: 9, col: 15, path: '/fields/amount/required', code: 'schema-type' });
    expect(p.message).toBe('Must be boolean');
  });

  it('a transition that is a number gets one type error naming every accepted form', () => {
    const p = onlyProblem(loadWith(processWith('      submit:\n        to: done\n        if: "record.company_name != null"\n', '      submit: 42\n')));
    expect(where(p)).toMatchObject({ line: 18, col: 15, path: '/states/new/on/submit', code: 'schema-type' });
    expect(p.message).toBe('Must be string / object / array');
  });

  it('a value outside an enumeration lists the allowed values', () => {
    const p = onlyProblem(loadWith(recordWith('    type: money\n', '    type: currency\n')));
    expect(where(p)).toEqual({ file: 'records/request.yaml', line: 8, col: 11, path: '/fields/amount/type', code: 'schema-enum' });
    expect(p.message).toMatch(/^Must be one of: text, long-text, number, money,/);
  });

  it('a state type outside parallel and final is an enum error on the type line', () => {
    const p = onlyProblem(loadWith(processWith('    type: final\n', '    type: finished\n')));
    expect(where(p)).toMatchObject({ line: 22, col: 11, path: '/states/done/type', code: 'schema-enum' });
    expect(p.message).toBe('Must be one of: parallel, final');
  });

  it('a timer delay that is not an ISO 8601 duration shows the value and the expected form', () => {
    const p = onlyProblem(loadWith(processWith('  done:\n', '    after:\n      - delay: 15 days\n        to: done\n  done:\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 22, col: 16, path: '/states/new/after/0/delay', code: 'schema-pattern' });
    expect(p.message).toBe('Invalid value "15 days": ISO 8601 duration, e.g. P15D or PT8H');
  });

  it('a timer with both a delay and a date asks for exactly one of them', () => {
    const p = onlyProblem(loadWith(processWith('  done:\n', '    after:\n      - delay: P1D\n        at: record.company_name\n        to: done\n  done:\n')));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 22, col: 9, path: '/states/new/after/0', code: 'schema-one-of' });
    expect(p.message).toBe('Needs exactly one of: delay, at');
  });

  it('a timer with neither a delay nor a date gets one problem, not one per missing property', () => {
    const p = onlyProblem(loadWith(processWith('  done:\n', '    after:\n      - to: done\n  done:\n')));
    expect(where(p)).toMatchObject({ line: 22, path: '/states/new/after/0', code: 'schema-one-of' });
  });

  it('a field name with a dash is reported at the name, with the naming rule', () => {
    const p = onlyProblem(loadWith(recordWith('  amount:\n', '  total-amount:\n')));
    expect(where(p)).toEqual({ file: 'records/request.yaml', line: 7, col: 3, path: '/fields/total-amount', code: 'schema-pattern' });
    expect(p.message).toBe('Invalid value "total-amount": lower-case letters, digits and underscores (usable in expressions)');
  });

  it('an event name with a capital letter under on: is reported at the name', () => {
    const p = onlyProblem(loadWith(processWith('  done:\n    type: final\n', '  done:\n    on:\n      Reopen: new\n    type: final\n')));
    expect(where(p)).toMatchObject({ line: 23, col: 7, path: '/states/done/on/Reopen', code: 'schema-pattern' });
    expect(p.message).toMatch(/^Invalid value "Reopen": lower-case letters, digits and dashes/);
  });

  it('a queue name breaking the id rule gets only that error, not also "must be null"', () => {
    const p = onlyProblem(loadWith(processWith('    status: open\n', '    status: open\n    entry:\n      - assign: { queue: Back_Office }\n')));
    expect(where(p)).toMatchObject({ line: 18, col: 26, path: '/states/new/entry/0/assign/queue', code: 'schema-pattern' });
    expect(p.message).toBe('Invalid value "Back_Office": lower-case letters, digits and dashes, starting with a letter');
  });

  it('an approval step with both all-of and any-of asks for exactly one of them', () => {
    const p = onlyProblem(
      loadWith(processWith('  done:\n', '    approval:\n      steps:\n        - all-of: [ { role: clerk } ]\n          any-of: [ { role: clerk } ]\n      approved: done\n      rejected: new\n  done:\n')),
    );
    expect(where(p)).toMatchObject({ line: 23, col: 11, path: '/states/new/approval/steps/0', code: 'schema-one-of' });
    expect(p.message).toBe('Needs exactly one of: all-of, any-of');
  });

  it('a weekday name outside mon..sun in calendar hours is reported at the name', () => {
    const p = onlyProblem(loadWith({ 'calendars.yaml': replaceOnce(CALENDARS_YAML, 'mon:', 'monday:') }));
    expect(where(p)).toEqual({ file: 'calendars.yaml', line: 5, col: 7, path: '/calendars/office/hours/monday', code: 'schema-enum' });
  });

  it('a file that breaks the schema leaves the pack unloaded', () => {
    const result = loadWith(recordWith('    type: money\n', '    type: currency\n'));
    expect(result.pack).toBeNull();
  });

  it('a record file that breaks the schema does not make the process and roles report it as unknown', () => {
    const result = loadWith(recordWith('  amount:\n', '  total-amount:\n'));
    expect(result.problems.map((p) => `${p.file} ${p.code}`)).toEqual(['records/request.yaml schema-pattern']);
  });
});
