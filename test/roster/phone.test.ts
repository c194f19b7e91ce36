import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from '../../src/roster/phone.js';

describe('normalizePhone', () => {
  it.each([
    '012 345 678',
    '012-345-678',
    '+85512345678',
    '855 12 345678',
    '(+855) 12-345-678',
    '00855 12 345 678',
    '០១២ ៣៤៥ ៦៧៨',
    '+៨៥៥ ១២ ៣៤៥ ៦៧៨',
    ' 012.345.678 ',
    '012\u00A0345\u00A0678',
    '012\u200B345 678',
    '  012   345  678  ',
    '12345678', // Excel lost the leading 0
    '12345678.0', // numeric cell exported as a float
    '0 1 2 3 4 5 6 7 8',
  ])('%j → +85512345678', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: true, e164: '+85512345678' });
  });

  it('accepts a plain number from an Excel cell', () => {
    expect(normalizePhone(12345678)).toEqual({ ok: true, e164: '+85512345678' });
    expect(normalizePhone(971234567)).toEqual({ ok: true, e164: '+855971234567' });
  });

  it.each(['097 123 4567', '0971234567', '971234567', '+855 97 123 4567', '855971234567', '00855971234567'])(
    '9-digit national number %j → +855971234567',
    (input) => {
      expect(normalizePhone(input)).toEqual({ ok: true, e164: '+855971234567' });
    },
  );

  it('keeps the sample fixture numbers valid', () => {
    expect(normalizePhone('098 924 013')).toEqual({ ok: true, e164: '+85598924013' });
    expect(normalizePhone('096 617 568')).toEqual({ ok: true, e164: '+85596617568' });
  });

  it.each(['+66 81 234 5678', '+1 202 555 0123', '0066812345678', '+44 7911 123456'])(
    'valid foreign number %j → not-cambodian',
    (input) => {
      expect(normalizePhone(input)).toEqual({ ok: false, reason: 'not-cambodian' });
    },
  );

  it.each(['', '   ', '\u200B', ' - '])('%j → empty', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'empty' });
  });

  it.each([
    'abc',
    '012',
    '0123',
    '+855 12 34',
    '012 345 678 / 098 765 432',
    '012345678901234',
    '8.55123E+10',
    '+85512345678x',
    '++85512345678',
  ])('%j → invalid', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects odd numeric values', () => {
    expect(normalizePhone(1.5)).toEqual({ ok: false, reason: 'invalid' });
    expect(normalizePhone(Number.NaN)).toEqual({ ok: false, reason: 'invalid' });
    expect(normalizePhone(-12345678)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('maskPhone', () => {
  it('keeps the country code and the last three digits', () => {
    expect(maskPhone('+85512345678')).toBe('+855****678');
    expect(maskPhone('+855971234567')).toBe('+855****567');
    expect(maskPhone('+66812345678')).toBe('+****678');
  });
});
