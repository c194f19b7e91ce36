/**
 * Announcements in the chat, the reading and the showing: the content a message carries (what
 * /announce accepts), the preview the author confirms, and the message that replaces it once
 * sent. Every number and date is written in the reader's language.
 */
import { InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import { formatNumber } from '../core/i18n/index.js';
import type { Locale } from '../core/db/schema.js';
import type { AnnouncementContent, MessageEntityLike } from './schema.js';
import { cancelButton, discardButton, sendButton, urgentButton, paidSendButton } from './buttons.js';
import { formatWhen } from './rules.js';
import type { ConfirmResult, Preview } from './service.js';

// ---------------------------------------------------------------------------------------------
// Reading content out of a message

function keptEntities(list: Message['entities']): MessageEntityLike[] | undefined {
  // text_mention carries a user object we do not keep; everything else is plain data.
  const kept = (list ?? [])
    .filter((e) => e.type !== 'text_mention')
    .map((e) => {
      const x = e as MessageEntityLike;
      return { type: x.type, offset: x.offset, length: x.length, ...(x.url ? { url: x.url } : {}), ...(x.language ? { language: x.language } : {}), ...(x.custom_emoji_id ? { custom_emoji_id: x.custom_emoji_id } : {}) };
    });
  return kept.length ? kept : undefined;
}

/** The announcement a message carries, or null for kinds we do not send (stickers, GIFs, …). */
export function contentOf(message: Message): AnnouncementContent | null {
  const opt = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  if (message.text !== undefined) return opt({ kind: 'text' as const, text: message.text, entities: keptEntities(message.entities) });
  const captioned = { caption: message.caption, entities: keptEntities(message.caption_entities) };
  // A GIF arrives with both `animation` and `document`: it is not a document.
  if (message.animation || message.sticker || message.video_note || message.audio) return null;
  if (message.photo?.length) {
    const best = message.photo.at(-1)!;
    return opt({ kind: 'photo' as const, fileId: best.file_id, fileSize: best.file_size, ...captioned });
  }
  if (message.voice) return opt({ kind: 'voice' as const, fileId: message.voice.file_id, fileSize: message.voice.file_size, ...captioned });
  if (message.video) return opt({ kind: 'video' as const, fileId: message.video.file_id, fileSize: message.video.file_size, ...captioned });
  if (message.document) return opt({ kind: 'document' as const, fileId: message.document.file_id, fileSize: message.document.file_size, ...captioned });
  return null;
}

/** The kind of a message we do not send, for the audit row of its refusal. */
export function messageKind(message: Message): string {
  const kinds = ['sticker', 'animation', 'video_note', 'audio', 'location', 'contact', 'poll', 'dice', 'venue'] as const;
  return kinds.find((k) => message[k] !== undefined) ?? 'other';
}

// ---------------------------------------------------------------------------------------------
// The preview, and what replaces it

type T = (key: string, vars?: Record<string, string | number>) => string;

function audienceLabel(t: T, locale: Locale, p: Pick<Preview, 'audience' | 'classNames'>): string {
  const a = p.audience;
  switch (a.kind) {
    case 'school':
      return t('announcements-aud-school');
    case 'staff':
      return t('announcements-aud-staff');
    case 'parents':
      return t('announcements-aud-parents');
    case 'grades':
      return t('announcements-aud-grades', { grades: a.grades.map((g) => formatNumber(locale, g)).join(', ') });
    case 'classes':
      return t('announcements-aud-classes', { classes: p.classNames.join(', ') });
  }
}

export function renderPreview(t: T, locale: Locale, p: Preview, opts: { paidBroadcast?: boolean } = {}): { text: string; keyboard: InlineKeyboard } {
  const n = (x: number) => formatNumber(locale, x);
  const lines = [
    t('announcements-preview-title'),
    t('announcements-preview-to', { audience: audienceLabel(t, locale, p) }),
    p.count.groups > 0
      ? t('announcements-preview-count-groups', { count: n(p.count.total), groups: n(p.count.groups), people: n(p.count.people) })
      : t('announcements-preview-count', { count: n(p.count.total) }),
    t('announcements-preview-when', { when: p.sendAt ? formatWhen(locale, p.sendAt, p.timezone) : t('announcements-when-now') }),
  ];
  if (p.urgent) lines.push(t('announcements-preview-urgent'));
  else if (p.silent) lines.push(t('announcements-preview-silent'));
  lines.push(t('announcements-preview-confirm'));
  const keyboard = new InlineKeyboard()
    .text(t('announcements-button-send'), sendButton.pack({ id: p.id }))
    .row()
    .text(p.urgent ? t('announcements-button-not-urgent') : t('announcements-button-urgent'), urgentButton.pack({ id: p.id, urgent: !p.urgent }))
    .text(t('announcements-button-discard'), discardButton.pack({ id: p.id }));
  // an urgent one may go as a paid broadcast where the deployment has a Stars budget for it
  if (p.urgent && opts.paidBroadcast) keyboard.row().text(t('announcements-button-paid'), paidSendButton.pack({ id: p.id }));
  return { text: lines.join('\n'), keyboard };
}

/** The preview once sent or scheduled: how many, when, and a button to cancel. */
export function renderSent(t: T, locale: Locale, id: number, r: Extract<ConfirmResult, { ok: true }>): { text: string; keyboard: InlineKeyboard } {
  const count = formatNumber(locale, r.recipients);
  const text = r.sendAt ? t('announcements-scheduled', { count, when: formatWhen(locale, r.sendAt, r.timezone) }) : t('announcements-sending', { count });
  const extra = r.urgent ? `\n${t('announcements-preview-urgent')}` : r.silent ? `\n${t('announcements-preview-silent')}` : '';
  return { text: `${text}${extra}`, keyboard: new InlineKeyboard().text(t('announcements-button-cancel'), cancelButton.pack({ id })) };
}
