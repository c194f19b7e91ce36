/**
 * Short texts sealed at rest (core/sealed-text.ts): the versioned format, a round trip, and every
 * way a sealed value must refuse to open — another key, other associated data, altered bytes.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { isSealed, openSealedText, sealText, SealedTextError } from '../../src/core/sealed-text.js';

const key = randomBytes(32);
const secret = 'whsec_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('sealed text', () => {
  it('is `v1:` and base64 of iv, tag and ciphertext, never the text, different every time; it opens back', () => {
    const a = sealText(key, secret, 'row:1');
    const b = sealText(key, secret, 'row:1');
    expect(a).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.slice(3), 'base64')).toHaveLength(12 + 16 + Buffer.byteLength(secret));
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(3), 'base64').includes(Buffer.from(secret))).toBe(false);
    expect(isSealed(a)).toBe(true);
    expect(isSealed(secret)).toBe(false);
    expect(openSealedText(key, a, 'row:1')).toBe(secret);
    expect(openSealedText(key, sealText(key, 'ក្រសួង'))).toBe('ក្រសួង');
  });

  it('does not open with another key, other associated data, altered bytes, or a value that was never sealed', () => {
    const sealed = sealText(key, secret, 'row:1');
    expect(() => openSealedText(randomBytes(32), sealed, 'row:1')).toThrow(SealedTextError);
    expect(() => openSealedText(key, sealed, 'row:2')).toThrow(SealedTextError);
    expect(() => openSealedText(key, sealed)).toThrow(SealedTextError);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => openSealedText(key, `v1:${bytes.toString('base64')}`, 'row:1')).toThrow(SealedTextError);
    expect(() => openSealedText(key, 'v1:AAAA', 'row:1')).toThrow(SealedTextError);
    expect(() => openSealedText(key, secret)).toThrow(SealedTextError);
    // a wrong key length is a programming error, not a sealed value that does not open
    expect(() => sealText(randomBytes(16), secret)).toThrow('32 bytes');
  });
});
