import { join } from 'node:path';
import { loadPack } from '../../engine/pack';
import { readPackDir } from '../../runtime/packs/pack-files';

describe('the shipped brussels-commune pack', () => {
  const files = readPackDir(join(__dirname, '..', '..', 'definitions', 'brussels-commune'));

  it('loads with zero problems, warnings included', () => {
    const result = loadPack(files);
    expect(result.problems).toEqual([]);
    expect(result.pack).not.toBeNull();
  });

  it('defines the census dossier, knowledge article, support case and contact processes on their record types', () => {
    const pack = loadPack(files).pack;
    expect(Object.keys(pack?.processes ?? {}).sort()).toEqual(['business', 'business-contact', 'census-dossier', 'contact', 'knowledge-article', 'support-case']);
    expect(Object.keys(pack?.records ?? {}).sort()).toEqual(['article', 'business', 'business-contact', 'case', 'contact', 'dossier']);
    expect(pack?.manifest).toMatchObject({ id: 'brussels-commune', timezone: 'Europe/Brussels' });
  });

  it('keeps where each definition comes from, for error positions', () => {
    const pack = loadPack(files).pack;
    expect(pack?.sources['process:census-dossier']).toBe('processes/census-dossier.yaml');
    expect(pack?.sources['record:dossier']).toBe('records/dossier.yaml');
  });
});
