import { describe, expect, it } from 'vitest';
import { signCard, verifyCard } from '../../src/qr/tokens.js';

const SECRET = 'test-card-secret-0123456789';

describe('card tokens', () => {
  it('are short, URL-safe deep-link payloads that carry only the id and the version', () => {
    const token = signCard(SECRET, { studentId: 123_456, version: 3 });
    expect(token).toMatch(/^c[A-Za-z0-9_-]{24}$/);
    expect(token.length).toBeLessThanOrEqual(64);
    expect(verifyCard(SECRET, token)).toEqual({ ok: true, claims: { studentId: 123_456, version: 3 } });
  });

  it('refuse forged, altered, truncated and foreign-secret tokens', () => {
    const token = signCard(SECRET, { studentId: 42, version: 1 });
    const flipped = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);
    expect(verifyCard(SECRET, flipped)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyCard('another-secret-0123456789', token)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyCard(SECRET, token.slice(0, -1))).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyCard(SECRET, `x${token.slice(1)}`)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyCard(SECRET, 'c' + 'A'.repeat(24))).toEqual({ ok: false, reason: 'forged' });
    // another student's id with this card's signature
    const other = signCard(SECRET, { studentId: 43, version: 1 });
    expect(verifyCard(SECRET, token.slice(0, 12) + other.slice(12))).toMatchObject({ ok: false });
  });

  it('a re-issued card differs from the old one (the version is signed)', () => {
    expect(signCard(SECRET, { studentId: 42, version: 1 })).not.toBe(signCard(SECRET, { studentId: 42, version: 2 }));
  });
});
