/**
 * Khmer first: both locale files hold the same keys, every message parses, every key the code
 * uses exists, and no Khmer message is left as an English sentence.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FluentBundle, FluentResource } from '@fluent/bundle';
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR } from '../src/core/i18n/index.js';
import { ROSTER_ERROR_CODES } from '../src/roster/parse.js';
import { CAPABILITIES } from '../src/capabilities.js';

function load(locale: string) {
  const source = readFileSync(path.join(LOCALES_DIR, `${locale}.ftl`), 'utf8');
  const resource = new FluentResource(source);
  const bundle = new FluentBundle(locale, { useIsolating: false });
  const errors = bundle.addResource(resource);
  const keys = resource.body.map((m) => m.id);
  return { bundle, errors, keys, source };
}

const km = load('km');
const en = load('en');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('locales', () => {
  it('parse without errors and hold the same keys, each once', () => {
    expect(km.errors).toEqual([]);
    expect(en.errors).toEqual([]);
    expect([...km.keys].sort()).toEqual([...en.keys].sort());
    expect(new Set(km.keys).size).toBe(km.keys.length);
  });

  it('contain every key the code uses', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.resolve(LOCALES_DIR, '../src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*(?:[a-z]+,\s*)?'([a-z][a-z0-9-]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/descriptionKey: '([a-z0-9-]+)'/g)) used.add(m[1]!);
    }
    // keys built at run time from a known set of values
    for (const r of ['director', 'principal', 'operator', 'teacher', 'parent']) used.add(`core-role-${r}`).add(`onboarding-help-${r}`);
    for (const r of ['none-submitted', 'few-submitted', 'low-attendance', 'few-families']) used.add(`reports-rollup-reason-${r}`);
    for (const c of ['code', 'name', 'classes', 'submitted', 'submitted-share', 'students', 'guardians', 'linked-share', 'present', 'late', 'excused', 'absent', 'rate', 'girls-rate', 'call']) used.add(`reports-rollup-col-${c}`);
    for (const r of ['invalid', 'expired', 'used', 'revoked', 'ok-parent', 'ok-staff']) used.add(`onboarding-invite-${r}`);
    for (const r of ['not-own-contact', 'bad-phone', 'not-cambodian', 'not-found']) used.add(`onboarding-${r}`);
    for (const r of ['forbidden', 'unknown-student']) used.add(`onboarding-invite-denied-${r}`);
    for (const c of ROSTER_ERROR_CODES) used.add(`roster-err-${c}`);
    expect(used.size).toBeGreaterThan(60);
    const missing = [...used].filter((k) => !km.bundle.hasMessage(k) || !en.bundle.hasMessage(k));
    expect(missing).toEqual([]);
  });

  it('name every key by its owner: a capability of the list, or core', () => {
    const owners = [...CAPABILITIES.map((c) => c.id), 'core'];
    const stray = en.keys.filter((k) => !owners.some((o) => k.startsWith(`${o}-`)));
    expect(stray).toEqual([]);
  });

  it('leave no Khmer message as an English sentence', () => {
    const untranslated = km.keys.filter((key) => {
      const pattern = km.bundle.getMessage(key)!.value!;
      const text = km.bundle.formatPattern(pattern, new Proxy({}, { get: () => '' }) as never, []);
      const latinWords = text
        .replace(/\{\s*\$?[A-Za-z0-9_-]+\s*\}/g, '') // placeholders Fluent could not fill here
        .replace(/\/[a-z_]+/g, '') // commands
        .replace(/https?:\S+/g, '')
        .match(/[A-Za-z]{4,}/g);
      const hasKhmer = /[\u1780-\u17FF]/.test(text);
      return latinWords !== null && latinWords.length > 2 && !hasKhmer;
    });
    expect(untranslated).toEqual([]);
  });
});
