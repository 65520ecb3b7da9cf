/** The `imports:` file kind of the pack format: schema, loading and semantic checks. */
import { loadPack } from '../../engine/pack';
import { readPackDir } from '../../runtime/packs/pack-files';
import { PACK_DIR } from '../api/api-harness';

const files = readPackDir(PACK_DIR);
const IMPORTS = Object.keys(files).find((f) => f.endsWith('imports.yaml')) ?? 'imports.yaml';

describe('imports: files', () => {
  it('ship the Belfirst import of census dossiers, keyed on the enterprise number', () => {
    const { pack, problems } = loadPack(files);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const belfirst = pack?.imports?.['belfirst'];
    expect(belfirst).toMatchObject({ record: 'dossier', key: 'enterprise_number', notify: 'census-agent' });
    expect(belfirst?.columns).toMatchObject({ Nom: 'company_name', "Numéro d'entreprise": 'enterprise_number', 'Code postal': 'registered_office.postalCode' });
    expect(pack?.sources['import:belfirst']).toBe(IMPORTS);
  });

  it('report an unknown record, key or field, a part of a non-address field, an unknown role', () => {
    const bad = `imports:
  a:
    label: { fr: A, nl: A }
    record: nope
    key: x
    columns: { "X": x }
  b:
    label: { fr: B, nl: B }
    record: dossier
    key: no_such_key
    columns: { "Nom": company_name.street, "Y": no_field, "Z": null }
    set: { bogus: 1 }
    notify: nobody
`;
    const { pack, problems } = loadPack({ ...files, [IMPORTS]: bad });
    expect(pack).toBeNull();
    const codes = problems.filter((p) => p.file === IMPORTS).map((p) => [p.path, p.code]);
    expect(codes).toEqual(expect.arrayContaining([
      ['/imports/a/record', 'unknown-reference'],
      ['/imports/b/key', 'unknown-field'],
      ['/imports/b/columns/Nom', 'import-column-part'],
      ['/imports/b/columns/Y', 'unknown-field'],
      ['/imports/b/set/bogus', 'unknown-field'],
      ['/imports/b/notify', 'unknown-reference'],
    ]));
  });

  it('are checked by the schema (a column must name a field)', () => {
    const { problems } = loadPack({ ...files, [IMPORTS]: 'imports:\n  c:\n    label: { fr: C, nl: C }\n    record: dossier\n    key: enterprise_number\n    columns: { "A": "Not A Field" }\n' });
    expect(problems.some((p) => p.file === IMPORTS && p.path.startsWith('/imports/c/columns'))).toBe(true);
  });
});
