/**
 * How scans, returned forms and mails find their census dossier (runtime/services/dossier-matching.ts):
 * the UPU S10 check digit of registered numbers, enterprise numbers in free text, the CSV manifest.
 */
import {
  brusselsDate, enterpriseNumbersIn, fileClues, invalidRegisteredNumbersIn, manifestRowsFor, normaliseRegisteredNumber,
  parseManifest, parseManifestDate, recordIdsIn, registeredNumbersIn, s10CheckDigit,
} from '../../runtime/services/dossier-matching';

describe('UPU S10 registered numbers', () => {
  test('computes the check digit of the standard’s worked example (AA 47312482 9 GB)', () => {
    expect(s10CheckDigit('47312482')).toBe(9);
  });

  test('maps a remainder giving 10 to 0 and 11 to 5, as the standard says', () => {
    // 00000001: sum 7, 11 - 7 = 4; 00000010: sum 9 → 2; look for serials hitting 10 and 11.
    const serials = Array.from({ length: 2000 }, (_, i) => String(i * 4999).padStart(8, '0').slice(-8));
    const weights = [8, 6, 4, 2, 3, 5, 9, 7];
    const raw = (s: string): number => 11 - (weights.reduce((n, w, i) => n + w * Number(s[i]), 0) % 11);
    const ten = serials.find((s) => raw(s) === 10);
    const eleven = serials.find((s) => raw(s) === 11);
    expect(ten).toBeDefined();
    expect(eleven).toBeDefined();
    expect(s10CheckDigit(ten as string)).toBe(0);
    expect(s10CheckDigit(eleven as string)).toBe(5);
  });

  test('accepts a bpost number with the right check digit and refuses one digit off', () => {
    expect(normaliseRegisteredNumber('RR123456785BE')).toBe('RR123456785BE');
    expect(normaliseRegisteredNumber(' rr 123456785 be ')).toBe('RR123456785BE');
    expect(normaliseRegisteredNumber('RR123456784BE')).toBeNull();
    expect(normaliseRegisteredNumber('RR12345678BE')).toBeNull();
    expect(normaliseRegisteredNumber('R1123456785BE')).toBeNull();
  });

  test('finds registered numbers in scan names, and tells the mistyped ones apart', () => {
    expect(registeredNumbersIn('depot_RR473124829BE.pdf')).toEqual(['RR473124829BE']);
    expect(registeredNumbersIn('2024-05-02 rr473124829be scan.PDF')).toEqual(['RR473124829BE']);
    expect(registeredNumbersIn('RR473124829BE RR123456785BE')).toEqual(['RR473124829BE', 'RR123456785BE']);
    expect(registeredNumbersIn('RR473124828BE.pdf')).toEqual([]);
    expect(invalidRegisteredNumbersIn('RR473124828BE.pdf')).toEqual(['RR473124828BE']);
    // Part of a longer word: not a number.
    expect(registeredNumbersIn('XRR473124829BEX')).toEqual([]);
  });
});

describe('enterprise numbers in free text', () => {
  test.each([
    ['0403.170.701'],
    ['0403 170 701'],
    ['0403170701'],
    ['BE0403170701'],
    ['BE 0403.170.701'],
    ['BE403170701'],
    ['be0403.170.701'],
    ['0403-170-701'],
  ])('reads %s as 0403.170.701', (written) => {
    expect(enterpriseNumbersIn(`Formulaire de ${written} ci-joint`)).toEqual(['0403.170.701']);
  });

  test('keeps only numbers whose mod-97 check holds', () => {
    expect(enterpriseNumbersIn('BCE 0403.170.702')).toEqual([]);
    expect(enterpriseNumbersIn('ondernemingsnummer 0417.497.106 en 0403.170.701')).toEqual(['0417.497.106', '0403.170.701']);
  });

  test('does not read phone numbers, amounts, bare 9-digit runs, record ids or registered numbers as enterprise numbers', () => {
    expect(enterpriseNumbersIn('Tél. 02 279 22 11, GSM 0470 12 34 56, montant 1.250,50 EUR')).toEqual([]);
    // 403170701 alone (no "BE") is too common a shape to trust.
    expect(enterpriseNumbersIn('ref 403170701')).toEqual([]);
    expect(enterpriseNumbersIn('[CF-0190c3a4-1234-7abc-8def-000403170701]')).toEqual([]);
    expect(enterpriseNumbersIn('12403170701 and 04031707012')).toEqual([]);
  });

  test('a subject with the number glued to a label still matches', () => {
    expect(enterpriseNumbersIn('Aangifte KBO0403170701')).toEqual(['0403.170.701']);
  });
});

describe('record ids and dates', () => {
  test('finds record ids, also inside the case token', () => {
    expect(recordIdsIn('Re: formulaire [CF-0190C3A4-1234-7ABC-8DEF-0123456789AB]')).toEqual(['0190c3a4-1234-7abc-8def-0123456789ab']);
  });

  test('reads Belgian and ISO dates and refuses impossible ones', () => {
    expect(parseManifestDate('02/05/2026')).toBe('2026-05-02');
    expect(parseManifestDate('2.5.2026')).toBe('2026-05-02');
    expect(parseManifestDate('2026-05-02')).toBe('2026-05-02');
    expect(parseManifestDate('31/02/2026')).toBeNull();
    expect(parseManifestDate('2026/05/02')).toBeNull();
  });

  test('today is the Brussels date, not the UTC one, around midnight', () => {
    // 23:30 UTC on 1 June is 01:30 on 2 June in Brussels (summer time).
    expect(brusselsDate(Date.parse('2026-06-01T23:30:00Z'))).toBe('2026-06-02');
  });
});

describe('the CSV manifest', () => {
  test('reads a Belgian Excel CSV (semicolons, French headers) and applies lines to files by name or by registered number', () => {
    const csv = '\uFEFFFichier;N° envoi;BCE;Date\r\nscan-001.pdf;RR473124829BE;0403.170.701;02/05/2026\r\n;RR123456785BE;BE0417497106;03/05/2026\r\n\r\n';
    const parsed = parseManifest(csv);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.rows).toEqual([
      { line: 2, file: 'scan-001.pdf', registeredNumber: 'RR473124829BE', enterpriseNumber: '0403.170.701', dossierId: null, date: '2026-05-02' },
      { line: 3, file: null, registeredNumber: 'RR123456785BE', enterpriseNumber: '0417.497.106', dossierId: null, date: '2026-05-03' },
    ]);
    expect(manifestRowsFor(parsed.rows, 'SCAN-001.PDF').map((r) => r.line)).toEqual([2]);
    expect(manifestRowsFor(parsed.rows, 'accuse RR123456785BE.jpg').map((r) => r.line)).toEqual([3]);
    expect(manifestRowsFor(parsed.rows, 'other.pdf')).toEqual([]);
    expect(fileClues('accuse RR123456785BE.jpg', parsed.rows)).toEqual({
      dossierIds: [], registeredNumbers: ['RR123456785BE'], enterpriseNumbers: ['0417.497.106'], date: '2026-05-03', invalidRegisteredNumbers: [],
    });
  });

  test('reads comma-separated English and Dutch headers with quoted cells', () => {
    const parsed = parseManifest('bestand,zendingnummer,ondernemingsnummer\n"scan, page 1.pdf",RR473124829BE,0403170701\n');
    expect(parsed.ok && parsed.rows[0]).toMatchObject({ file: 'scan, page 1.pdf', registeredNumber: 'RR473124829BE', enterpriseNumber: '0403.170.701' });
  });

  test('refuses the whole manifest, line by line, in French and Dutch, when a line is wrong', () => {
    const parsed = parseManifest('file;registered_number;enterprise_number;date\na.pdf;RR473124828BE;0403.170.701;02/05/2026\nb.pdf;RR123456785BE;0403.170.702;31/02/2026\n');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => [p.line, p.column])).toEqual([[2, 'registered_number'], [3, 'enterprise_number'], [3, 'date']]);
    expect(parsed.problems[0]?.messages.fr).toContain('RR473124828BE');
    expect(parsed.problems[0]?.messages.nl).toContain('Regel 2');
  });

  test('refuses a manifest without a file or registered-number column', () => {
    const parsed = parseManifest('nom;montant\nx;1\n');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]?.messages.nl).toContain('zendingnummer');
  });
});
