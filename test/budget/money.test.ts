/** Amounts as typed and as shown: integers in riel or cents, never floats; absurd ones refused. */
import { describe, expect, it } from 'vitest';
import { formatAmount, formatRiel, parseAmount, parseRate, rielOf } from '../../src/budget/money.js';

describe('budget money', () => {
  it('reads riel and dollars as integers of the smallest unit', () => {
    expect(parseAmount('150,000')).toEqual({ ok: true, currency: 'KHR', amount: 150_000 });
    expect(parseAmount('១៥០ ០០០ ៛')).toEqual({ ok: true, currency: 'KHR', amount: 150_000 });
    expect(parseAmount('$25.5')).toEqual({ ok: true, currency: 'USD', amount: 2550 });
    expect(parseAmount('0.07 usd')).toEqual({ ok: true, currency: 'USD', amount: 7 });
    expect(parseAmount('12.345$')).toEqual({ ok: false, reason: 'bad' });
    expect(parseAmount('1500.5')).toEqual({ ok: false, reason: 'bad' });
    expect(parseAmount('-100')).toEqual({ ok: false, reason: 'not-positive' });
    expect(parseAmount('0')).toEqual({ ok: false, reason: 'not-positive' });
    expect(parseAmount('1000000001')).toEqual({ ok: false, reason: 'too-big' });
    expect(parseAmount('$250000.01')).toEqual({ ok: false, reason: 'too-big' });
  });

  it('keeps the riel equivalent of a dollar amount exact to the riel, rounding half up', () => {
    expect(rielOf('USD', 2550, 4100)).toBe(104_550);
    expect(rielOf('USD', 1, 4050)).toBe(41);
    expect(rielOf('USD', -1, 4050)).toBe(-41);
    expect(rielOf('KHR', 999, null)).toBe(999);
    expect(parseRate('៤១០០')).toBe(4100);
    expect(parseRate('41')).toBeNull();
    expect(parseRate('9000')).toBeNull();
  });

  it('writes amounts in the reader language', () => {
    expect(formatRiel('km', 1_500_000)).toBe('១,៥០០,០០០ ៛');
    expect(formatRiel('en', -150_000)).toBe('-150,000 riel');
    expect(formatAmount('en', 'USD', 2505)).toBe('$25.05');
    expect(formatAmount('km', 'USD', 2550)).toBe('$២៥.៥០');
  });
});
