import { checkNiss, formatNiss, isValidNiss, parseNiss } from '../niss';

/*
 * Fixtures computed with the register's rule, not guessed:
 *   born before 2000: check = 97 - (first9 mod 97)
 *   born from 2000:   check = 97 - ((2000000000 + first9) mod 97)
 * e.g. 850730033 mod 97 = 69, 97 - 69 = 28  ->  85073003328
 */

describe('national register numbers of people born before 2000', () => {
  it('accepts a number with correct check digits and reads its birth date and sex', () => {
    expect(parseNiss('85073003328')).toEqual({ digits: '85073003328', birthDate: '1985-07-30', bis: false, sex: 'M' });
  });

  it('accepts the formatted form printed on identity cards and normalises it to 11 digits', () => {
    expect(parseNiss('85.07.30-033.28')?.digits).toBe('85073003328');
    expect(parseNiss(' 850730 033 28 ')?.digits).toBe('85073003328');
  });

  it('rejects a number whose check digits are off by one', () => {
    expect(isValidNiss('85073003329')).toBe(false);
    expect(checkNiss('85073003329')).toEqual({ ok: false, problem: 'check-digits' });
  });

  it('reads an even sequence number as a woman', () => {
    // 900215124 mod 97 = 28 -> check 69
    expect(parseNiss('90021512469')).toMatchObject({ birthDate: '1990-02-15', sex: 'F' });
  });

  it('places a number that matches the pre-2000 rule in the 1900s', () => {
    // 001204015 mod 97 = 51 -> check 46
    expect(parseNiss('00120401546')?.birthDate).toBe('1900-12-04');
  });
});

describe('national register numbers of people born in 2000 or later', () => {
  it('accepts a number whose check digits are computed on 2 followed by the 9 digits', () => {
    // (2000000000 + 060315001) mod 97 = 81 -> check 16
    expect(parseNiss('06031500116')).toEqual({ digits: '06031500116', birthDate: '2006-03-15', bis: false, sex: 'M' });
  });

  it('accepts someone born in 2000 itself, on 29 February of that leap year', () => {
    expect(parseNiss('00022912320')?.birthDate).toBe('2000-02-29');
    expect(parseNiss('00120401575')?.birthDate).toBe('2000-12-04');
  });

  it('reads a woman born in 2005', () => {
    expect(parseNiss('05022800282')).toMatchObject({ birthDate: '2005-02-28', sex: 'F' });
  });

  it('rejects a number whose check digits match neither rule', () => {
    expect(isValidNiss('06031500117')).toBe(false);
    expect(isValidNiss('05022800283')).toBe(false);
  });
});

describe('bis numbers for people not in the national register', () => {
  it('accepts month + 20 as a bis number with unknown sex', () => {
    // 852730033 mod 97 = 26 -> check 71
    expect(parseNiss('85273003371')).toEqual({ digits: '85273003371', birthDate: '1985-07-30', bis: true, sex: null });
  });

  it('accepts month + 40 as a bis number with known sex', () => {
    // 854730034 mod 97 = 81 -> check 16; sequence 034 is even
    expect(parseNiss('85473003416')).toEqual({ digits: '85473003416', birthDate: '1985-07-30', bis: true, sex: 'F' });
  });

  it('accepts a bis number of someone born after 2000', () => {
    // (2000000000 + 054215002) mod 97 = 24 -> check 73
    expect(parseNiss('05421500273')).toMatchObject({ birthDate: '2005-02-15', bis: true, sex: 'F' });
  });

  it('accepts a bis number with unknown day and gives no birth date', () => {
    expect(parseNiss('12210012512')).toEqual({ digits: '12210012512', birthDate: null, bis: true, sex: null });
  });

  it('rejects a bis month that is 13 once the offset is removed', () => {
    // 853330033 -> check 16 is right, but month 33 - 20 = 13 does not exist
    expect(checkNiss('85333003316')).toEqual({ ok: false, problem: 'date' });
  });
});

describe('birth date part of a national register number', () => {
  it('accepts month and day 00 when the birth date is unknown', () => {
    expect(parseNiss('85000000138')).toEqual({ digits: '85000000138', birthDate: null, bis: false, sex: 'M' });
  });

  it('accepts month 00 with a day and gives no birth date', () => {
    expect(parseNiss('67001234523')?.birthDate).toBeNull();
  });

  it('rejects month 13 even with correct check digits', () => {
    expect(checkNiss('85133003370')).toEqual({ ok: false, problem: 'date' });
  });

  it('rejects day 32 even with correct check digits', () => {
    expect(checkNiss('85073203365')).toEqual({ ok: false, problem: 'date' });
  });
});

describe('shape of a national register number', () => {
  it.each(['', '8507300332', '850730033280', '85O73003328', 'abc'])('rejects %p as not having 11 digits', (text) => {
    expect(checkNiss(text)).toEqual({ ok: false, problem: 'format' });
  });

  it('formats 11 digits the way identity cards print them', () => {
    expect(formatNiss('85073003328')).toBe('85.07.30-033.28');
  });
});
