import { PROCESS_YAML, RECORD_YAML, loadWith, onlyProblem, replaceOnce, where } from './pack-fixture';

/** The fixture with another guard on the `submit` transition, whose value starts at line 20, column 13. */
const guard = (expression: string) => loadWith({ 'processes/request.yaml': replaceOnce(PROCESS_YAML, '"record.company_name != null"', JSON.stringify(expression)) });
const AT_GUARD = { file: 'processes/request.yaml', line: 20, col: 13, path: '/states/new/on/submit/if' };

describe('CEL expressions in guards and actions', () => {
  it('a valid guard over the record, the event and the actor passes', () => {
    expect(guard('record.amount != null && record.amount > 100 && event.note != "" && "clerk" in actor.roles').problems).toEqual([]);
  });

  it('a guard that gives a number or a text instead of true/false is refused at load time', () => {
    const p = onlyProblem(guard('1 + 2'));
    expect(where(p)).toEqual({ ...AT_GUARD, code: 'cel-not-boolean' });
    expect(p.text.fr).toMatch(/vrai ou faux/);
    expect(where(onlyProblem(guard('"yes"')))).toEqual({ ...AT_GUARD, code: 'cel-not-boolean' });
  });

  it('a guard that is a bare field (decided at run time) is accepted', () => {
    expect(guard('record.company_name').problems).toEqual([]);
  });

  it('a guard with a syntax error is a cel-syntax problem at the guard', () => {
    const p = onlyProblem(guard('record.company_name != '));
    expect(where(p)).toEqual({ ...AT_GUARD, code: 'cel-syntax' });
    expect(p.message).toMatch(/^Expression error: /);
  });

  it('a guard with a stray character is a cel-syntax problem', () => {
    expect(where(onlyProblem(guard('record.amount > 1 &&& true')))).toEqual({ ...AT_GUARD, code: 'cel-syntax' });
  });

  it('a guard reading a field the record type does not have is cel-unknown-field, naming field and record type', () => {
    const p = onlyProblem(guard('record.nope != null'));
    expect(where(p)).toEqual({ ...AT_GUARD, code: 'cel-unknown-field' });
    expect(p.message).toBe('Expression uses "nope", which record type "request" does not have');
  });

  it('a guard reading an event field the event does not declare is cel-unknown-event-field, naming the event', () => {
    const p = onlyProblem(guard('event.nope != null'));
    expect(where(p)).toEqual({ ...AT_GUARD, code: 'cel-unknown-event-field' });
    expect(p.message).toBe('Expression uses event.nope, which event "submit" does not declare');
  });

  it('a record field missing from the record is blamed on the record even when the event declares that name', () => {
    // `note` is a field of the submit event, not of the record.
    const p = onlyProblem(guard('record.note != null && event.note != null'));
    expect(where(p)).toEqual({ ...AT_GUARD, code: 'cel-unknown-field' });
    expect(p.message).toBe('Expression uses "note", which record type "request" does not have');
  });

  it('adding a number to a record field and comparing it to a string is a cel-type problem', () => {
    const p = onlyProblem(guard('record.company_name + 1 > "a"'));
    expect(where(p)).toEqual({ ...AT_GUARD, code: 'cel-type' });
    expect(p.message).toMatch(/^Expression type error: .*overload/);
  });

  it('adding a number to a string literal is a cel-type problem', () => {
    const p = onlyProblem(guard('"a" + 1 == "a1"'));
    expect(where(p)).toEqual({ ...AT_GUARD, code: 'cel-type' });
    expect(p.message).toContain('string + int');
  });

  it('an undeclared variable is reported at the guard', () => {
    expect(where(onlyProblem(guard('amount > 1')))).toEqual({ ...AT_GUARD, code: 'cel-type' });
  });

  it('an expression in a set: action is checked at its value', () => {
    const process = replaceOnce(PROCESS_YAML, '        to: done\n', '        to: done\n        do:\n          - set: { amount: "record.total * 2" }\n');
    const p = onlyProblem(loadWith({ 'processes/request.yaml': process }));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 21, col: 28, path: '/states/new/on/submit/do/0/set/amount', code: 'cel-unknown-field' });
  });

  it('a timer guard is checked against the record type, at its value', () => {
    const process = replaceOnce(PROCESS_YAML, '  done:\n', '    after:\n      - delay: P1D\n        if: "record.nope == 1"\n        to: done\n  done:\n');
    const p = onlyProblem(loadWith({ 'processes/request.yaml': process }));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 23, col: 13, path: '/states/new/after/0/if', code: 'cel-unknown-field' });
  });

  it('a computed field with an unknown field is reported in the record file', () => {
    const record = replaceOnce(RECORD_YAML, '    type: money\n', '    type: money\n    computed: "record.price * 2"\n');
    const p = onlyProblem(loadWith({ 'records/request.yaml': record }));
    expect(where(p)).toEqual({ file: 'records/request.yaml', line: 9, col: 15, path: '/fields/amount/computed', code: 'cel-unknown-field' });
  });
});
