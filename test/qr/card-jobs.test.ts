/**
 * The card queue's job payloads: what the bot may hand the worker, checked when the job is added
 * and again when the worker takes it. A job that would print cards nobody can scan, or send files
 * to a made-up chat, is refused with its problems.
 */
import { describe, expect, it } from 'vitest';
import { payloadProblems } from '../../src/core/queue/jobs.js';
import { cardsQueue, type CardJob } from '../../src/qr/card-jobs.js';
import { scansQueue } from '../../src/qr/scan-jobs.js';

const sheet: CardJob = { kind: 'sheet', schoolId: 1, classIds: [3, 4], chatId: 9201, locale: 'en', requestedBy: 'tg:9201', botUsername: 'sis_test_bot', key: 'cards:req:9201:all1:7' };
const card: CardJob = { kind: 'card', schoolId: 1, studentId: 5_000_000_000, chatId: 9201, locale: 'km', requestedBy: 'tg:9201', botUsername: 'sis_test_bot', key: 'cards:new:5000000000:2', reissued: true };

describe('card job payloads', () => {
  it('accept what the bot sends: a sheet, and a card (student ids are bigints)', () => {
    expect(payloadProblems(cardsQueue, sheet)).toEqual([]);
    expect(payloadProblems(cardsQueue, card)).toEqual([]);
  });

  it.each([
    ['a bot name a card link cannot carry', { ...sheet, botUsername: '9bot' }, 'botUsername'],
    ['someone who is not a Telegram account', { ...sheet, requestedBy: 'cli; drop table' }, 'requestedBy'],
    ['no classes', { ...sheet, classIds: [] }, 'classIds'],
    ['a class twice', { ...sheet, classIds: [3, 3] }, 'classIds'],
    ['a class id past integer', { ...sheet, classIds: [2 ** 31] }, 'classIds.0'],
    ['a student id past a safe integer', { ...card, studentId: 2 ** 53 }, 'studentId'],
    ['a chat id of 0', { ...card, chatId: 0 }, 'chatId'],
    ['an unknown language', { ...card, locale: 'fr' }, 'locale'],
    ['no key', { ...card, key: '' }, 'key'],
    ['an unknown kind', { ...card, kind: 'poster' }, 'kind'],
  ])('refuse %s', (_what, job, path) => {
    const problems = payloadProblems(cardsQueue, job);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(`cards: ${path}:`);
  });
});

describe('scan job payloads', () => {
  it('accept a cutoff, a partition run and a sync, and refuse a shift or school that cannot be', () => {
    expect(payloadProblems(scansQueue, { kind: 'cutoff', schoolId: 1, shift: 'morning' })).toEqual([]);
    expect(payloadProblems(scansQueue, { kind: 'partitions' })).toEqual([]);
    expect(payloadProblems(scansQueue, { kind: 'sync', schoolId: 2 })).toEqual([]);
    expect(payloadProblems(scansQueue, { kind: 'cutoff', schoolId: 1, shift: 'evening' })).not.toEqual([]);
    expect(payloadProblems(scansQueue, { kind: 'sync', schoolId: -1 })).not.toEqual([]);
    expect(payloadProblems(scansQueue, { kind: 'sync' })).not.toEqual([]);
  });
});
