import { BASE_FILES, PROCESS_YAML, RECORD_YAML, loadWith, onlyProblem, replaceOnce, where } from './pack-fixture';
import { loadPack } from '../load-pack';

describe('YAML that cannot be read', () => {
  it('the valid fixture pack loads with no problem at all', () => {
    const result = loadPack({ ...BASE_FILES });
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.pack?.processes ?? {})).toEqual(['request']);
  });

  it('a key indented less than its siblings is a yaml-syntax error at that key', () => {
    // Line 17 `on:` has 3 spaces where its sibling `status:` on line 16 has 4.
    const process = replaceOnce(PROCESS_YAML, '    status: open\n    on:', '    status: open\n   on:');
    const p = onlyProblem(loadWith({ 'processes/request.yaml': process }));
    expect(where(p)).toEqual({ file: 'processes/request.yaml', line: 17, col: 4, path: '', code: 'yaml-syntax' });
    expect(p.message).toMatch(/^YAML syntax error: .*same column/);
    expect(p.severity).toBe('error');
  });

  it('a top-level state indented by one space is a yaml-syntax error on its line', () => {
    const process = replaceOnce(PROCESS_YAML, '  done:\n', ' done:\n');
    const p = onlyProblem(loadWith({ 'processes/request.yaml': process }));
    expect(where(p)).toMatchObject({ line: 21, col: 2, code: 'yaml-syntax' });
  });

  it('a key written twice in the same mapping is a yaml-syntax error at the second one', () => {
    const record = `record: request
label: { fr: Demande, nl: Aanvraag }
fields:
  company_name:
    type: text
    label: { fr: Dénomination, nl: Benaming }
  company_name:
    type: text
    label: { fr: Raison sociale, nl: Handelsnaam }
`;
    const p = onlyProblem(loadWith({ 'records/request.yaml': record }));
    expect(where(p)).toEqual({ file: 'records/request.yaml', line: 7, col: 3, path: '', code: 'yaml-syntax' });
    expect(p.message).toMatch(/unique/);
  });

  it('a tab used for indentation is a yaml-syntax error on its line', () => {
    const record = replaceOnce(RECORD_YAML, '    type: money\n', '\ttype: money\n');
    const [first] = loadWith({ 'records/request.yaml': record }).problems;
    expect(first).toMatchObject({ file: 'records/request.yaml', line: 8, code: 'yaml-syntax' });
  });

  it('an unclosed flow mapping is a yaml-syntax error and the pack is not loaded', () => {
    const record = replaceOnce(RECORD_YAML, 'label: { fr: Demande, nl: Aanvraag }', 'label: { fr: Demande, nl: Aanvraag');
    const result = loadWith({ 'records/request.yaml': record });
    expect(result.pack).toBeNull();
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems.every((p) => p.file === 'records/request.yaml' && p.code === 'yaml-syntax')).toBe(true);
    expect(result.problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('a syntax error in the record file does not make other files report its record type as unknown', () => {
    const record = replaceOnce(RECORD_YAML, '    type: money\n', '   type: money\n');
    const result = loadWith({ 'records/request.yaml': record });
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems.filter((p) => p.file !== 'records/request.yaml' || p.code !== 'yaml-syntax')).toEqual([]);
  });

  it('a file that defines nothing the loader knows is reported at its first line', () => {
    const p = onlyProblem(loadWith({ 'notes.yaml': 'note: remember the milk\n' }));
    expect(where(p)).toEqual({ file: 'notes.yaml', line: 1, col: 1, path: '', code: 'unknown-file-kind' });
  });

  it('files that are not YAML are ignored', () => {
    expect(loadWith({ 'README.md': '# not: [yaml' }).problems).toEqual([]);
  });
});
