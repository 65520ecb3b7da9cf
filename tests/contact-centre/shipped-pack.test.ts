import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { autoResponseTemplate } from '../../engine/routing';
import { isValidNiss } from '../../engine/fields';
import { loadPack } from '../../engine/pack';
import { readPackDir } from '../../runtime/packs/pack-files';
import { parsePeopleCsv } from '../../adapters/registry-national-demo';
import { REPO_ROOT, PACK_DIR } from '../api/api-harness';
import { DOMAIN } from './contact-centre-harness';

const files = readPackDir(PACK_DIR);
const result = loadPack(files);
const pack = result.pack;

describe('the contact centre in the shipped pack', () => {
  it('validates with no problem at all, warnings included', () => {
    expect(result.problems).toEqual([]);
    expect(pack).not.toBeNull();
  });

  it('defines the case and contact record types with their list and layout', () => {
    expect(pack?.records['case']?.list?.columns?.length ?? 0).toBeGreaterThan(0);
    expect(pack?.records['case']?.layout?.sections.length).toBeGreaterThan(0);
    expect(pack?.records['contact']?.list?.columns?.length ?? 0).toBeGreaterThan(0);
    expect(pack?.records['contact']?.layout?.sections.length).toBeGreaterThan(0);
    expect(pack?.records['case']?.fields['contact']).toMatchObject({ type: 'reference', to: 'contact' });
    expect(Object.keys(pack?.records['case']?.fields['closing_reason']?.values ?? {})).toEqual(['answered', 'no-reply', 'wrong-service', 'expert-needed', 'duplicate']);
    for (const f of ['from_email', 'from_phone', 'from_name']) expect(pack?.records['case']?.fields[f]?.pii).toBe(true);
    expect(pack?.records['contact']?.fields['niss']).toMatchObject({ type: 'niss', pii: true });
  });

  it('adds the contact-centre roles and queues without changing the census ones', () => {
    expect(Object.keys(pack?.roles ?? {})).toEqual(expect.arrayContaining(['agent-line-1', 'agent-line-2', 'supervisor', 'expert', 'census-agent', 'tax-manager']));
    expect(pack?.roles['census-agent']?.records).toEqual({ dossier: ['read', 'create', 'update'], business: ['read', 'create', 'update'], 'business-contact': ['read', 'create', 'update'], article: ['read'] });
    expect(pack?.queues['line-1']?.roles).toContain('agent-line-1');
    expect(pack?.queues['line-2']?.roles).toContain('agent-line-2');
    expect(pack?.queues['supervisor']?.roles).toEqual(['supervisor']);
  });

  it('turns mail to each of the eight support addresses into a case with its topic, language and mailbox', () => {
    // The tax service's mailbox first matches returned forms to their census dossier.
    const { [`taxes@${DOMAIN}`]: taxes, ...mailboxes } = pack?.channels.mailboxes ?? {};
    expect(taxes?.attach).toEqual({ record: 'dossier', match: ['enterprise_number'], field: 'returned_forms', event: 'return-received' });
    expect(Object.keys(mailboxes).sort()).toEqual(['bevolking', 'burgerlijke-stand', 'contact', 'etat-civil', 'info', 'population', 'sociaal', 'social'].map((m) => `${m}@${DOMAIN}`));
    for (const [address, m] of Object.entries(mailboxes)) {
      expect(m.record).toBe('case');
      expect(m.set).toMatchObject({ channel: 'email', mailbox: address });
      expect(['population', 'civil-status', 'social-affairs', 'other']).toContain(m.set?.['topic']);
      expect(['fr', 'nl']).toContain(m.set?.['language']);
    }
  });

  it('offers a public contact form that makes a web case and confirms it by mail', () => {
    expect(pack?.channels.forms['contact']).toMatchObject({ record: 'case', set: { channel: 'web' }, confirmation: 'form-confirmation' });
    expect(pack?.channels.forms['contact']?.fields).toEqual(['subject', 'description', 'from_name', 'from_email', 'topic', 'language']);
  });

  it('answers automatically by topic and language, with a default answer', () => {
    const auto = (fields: Record<string, unknown>) => (pack ? autoResponseTemplate(pack, 'case', fields, '2026-01-05T10:00:00Z') : null);
    expect(auto({ topic: 'population', language: 'fr' })).toBe('auto-reply-population');
    expect(auto({ topic: 'social-affairs', language: 'nl' })).toBe('auto-reply-sociaal-huis');
    expect(auto({ topic: 'social-affairs', language: 'fr' })).toBe('auto-reply-social-affairs');
    expect(auto({ topic: 'civil-status', language: 'nl' })).toBe('auto-reply-civil-status');
    expect(auto({ topic: 'other', language: 'fr' })).toBe('auto-reply-general');
    expect(auto({})).toBe('auto-reply-general');
  });

  it('writes every template in French and Dutch', () => {
    const ids = ['auto-reply-population', 'auto-reply-civil-status', 'auto-reply-social-affairs', 'auto-reply-sociaal-huis', 'auto-reply-general', 'form-confirmation', 'reply-answer', 'reply-ask-information', 'reply-wrong-service', 'reply-expert', 'supervisor-help'];
    for (const id of ids) {
      const t = pack?.templates[id];
      expect(t?.subject.fr && t.subject.nl && t.body.fr && t.body.nl).toBeTruthy();
    }
  });
});

describe('the demo National Register', () => {
  const people = parsePeopleCsv(readFileSync(join(REPO_ROOT, 'examples', 'national-register', 'people.csv'), 'utf8'));

  it('holds about twenty fictitious people whose national numbers all pass the check-digit rule', () => {
    expect(people.size).toBeGreaterThanOrEqual(20);
    for (const niss of people.keys()) expect(isValidNiss(niss)).toBe(true);
  });

  it('includes people born before and after 2000 and bis numbers', () => {
    const years = [...people.values()].map((p) => Number((p.birthDate ?? '0000').slice(0, 4)));
    expect(years.some((y) => y > 1900 && y < 2000)).toBe(true);
    expect(years.some((y) => y >= 2000)).toBe(true);
    // Bis numbers: month + 20 or + 40.
    expect([...people.keys()].some((n) => Number(n.slice(2, 4)) > 12)).toBe(true);
  });

  it('places everyone at a Brussels address', () => {
    for (const p of people.values()) expect(p.address?.postalCode).toMatch(/^1\d{3}$/);
  });
});
