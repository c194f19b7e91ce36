/**
 * Reading student cards from phone photos (src/qr/decode.ts): synthetic 1280×960 JPEGs like a
 * phone's (and Telegram's, which sends photos at most 1280 px): real rendered cards
 * (src/qr/render.ts) on a noisy, textured background, at varying scale and position, upright,
 * tilted 0–30°, turned 90°, blurred (σ 1–2.5), small (QR ≈ 100 px), two cards in one picture,
 * and pictures with no card; sensor noise and JPEG compression (quality 70–88) on every one.
 * Each photo is decoded once after a warm-up; success per category (every expected link found,
 * nothing else), p50/p95 ms per photo. Baseline, measured in the same run on the same photos:
 * sharp alone (decode + upright + grey channel to raw, greyPixels), the part of the work that is not ZXing's.
 * Photos are generated from a fixed seed, so runs are comparable.
 */
import sharp from 'sharp';
import { decodeQrCodes, greyPixels, warmUpDecoder } from '../../src/qr/decode.js';
import { renderCardPng } from '../../src/qr/render.js';
import { signCard } from '../../src/qr/tokens.js';
import type { CardData } from '../../src/qr/cards.js';
import type { Bench, BenchResult, Figure } from './types.js';
import { fmt, percentile, seededRandom } from './types.js';

const W = 1280;
const H = 960;
const PER_CATEGORY = Number(process.env.BENCH_QR_PER_CATEGORY ?? 30);
const TARGET_MS = 25;
const SECRET = 'bench-card-secret-0123456789-abcdef';


const NAMES: Array<[string, string]> = [
  ['ស្រេង ដារ៉ា', 'Sreng Dara'],
  ['ជា សេរីវុធ', 'Chea Sereyvuth'],
  ['គឹម ដារ៉ា', 'Kim Dara'],
  ['ចាន់ សុវណ្ណ', 'Chan Sovann'],
  ['ញឹម ស្រីល័ក្ខណ៍', 'Nhim Sreyleak'],
  ['ពៅ វណ្ណៈ', 'Pov Vanna'],
];

function card(i: number): CardData {
  const token = signCard(SECRET, { studentId: 1000 + i, version: 1 + (i % 3) });
  const [nameKm, nameEn] = NAMES[i % NAMES.length]!;
  return {
    studentId: 1000 + i,
    studentCode: `DEMO-001-S${String(i + 1).padStart(5, '0')}`,
    nameKm,
    nameEn,
    classId: 1,
    className: ['1A', '4B', '7A', '12A'][i % 4]!,
    schoolId: 1,
    schoolNameKm: 'សាលាបឋម និងអនុវិទ្យាល័យគំរូ',
    schoolNameEn: 'Demo Primary and Lower Secondary School',
    version: 1 + (i % 3),
    token,
    link: `https://t.me/sis_demo_bot?start=${token}`,
  };
}

/** Fine noise, made once; each photo adds it from its own random offset (much cheaper than a PRNG call per byte). */
const NOISE = (() => {
  const rand = seededRandom(99);
  const n = new Int8Array(W * H * 3 + 65_536);
  for (let i = 0; i < n.length; i++) n[i] = Math.round((rand() - 0.5) * 2 * 18);
  return n;
})();

function addNoise(px: Buffer, rand: () => number, amplitude: number): void {
  const offset = Math.floor(rand() * 65_536);
  const scale = amplitude / 18;
  for (let i = 0; i < px.length; i++) px[i] = Math.max(0, Math.min(255, px[i]! + NOISE[offset + i]! * scale));
}

/** A desk-like texture: blotches and streaks of brown and grey, plus fine noise. RGB raw. */
async function background(rand: () => number): Promise<Buffer> {
  const small = Buffer.alloc((W / 8) * (H / 8) * 3);
  const base = [120 + rand() * 80, 90 + rand() * 60, 60 + rand() * 60];
  for (let i = 0; i < small.length; i += 3) {
    const v = (rand() - 0.5) * 90;
    for (let c = 0; c < 3; c++) small[i + c] = Math.max(0, Math.min(255, base[c]! + v));
  }
  // blown up smoothly: blotches; then streaks and fine noise on top
  const { data } = await sharp(small, { raw: { width: W / 8, height: H / 8, channels: 3 } })
    .resize(W, H, { kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const streakPeriod = 6 + rand() * 20;
  for (let y = 0; y < H; y++) {
    const streak = Math.round(Math.sin(y / streakPeriod) * 12);
    for (let d = y * W * 3; d < (y + 1) * W * 3; d++) data[d] = Math.max(0, Math.min(255, data[d]! + streak));
  }
  addNoise(data, rand, 18);
  return data;
}

type Category = 'upright' | 'tilted 0-30°' | 'turned 90°' | 'blur σ1-2.5' | 'small (QR ≈ 100 px)' | 'two cards' | 'no card';
const CATEGORIES: Category[] = ['upright', 'tilted 0-30°', 'turned 90°', 'blur σ1-2.5', 'small (QR ≈ 100 px)', 'two cards', 'no card'];

interface Photo {
  category: Category;
  jpeg: Buffer;
  expected: string[];
}

/** The QR takes about 36.5 % of the card's width (render.ts layout). */
const QR_SHARE = 0.365;

async function placeCard(png: Buffer, widthPx: number, angle: number): Promise<{ input: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png)
    .resize({ width: Math.round(widthPx) })
    .ensureAlpha()
    .rotate(angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { input: await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }).png({ compressionLevel: 1 }).toBuffer(), width: info.width, height: info.height };
}

async function makePhoto(category: Category, index: number, pngs: Buffer[], cards: CardData[]): Promise<Photo> {
  const rand = seededRandom(1 + index * 7919 + CATEGORIES.indexOf(category) * 104729);
  const bg = await background(rand);
  const pick = () => Math.floor(rand() * pngs.length);
  const uniform = (a: number, b: number) => a + rand() * (b - a);
  const placements: Array<{ card: number; width: number; angle: number }> = [];
  let blur = uniform(0.3, 0.8); // every phone photo is a little soft
  switch (category) {
    case 'upright':
      placements.push({ card: pick(), width: uniform(420, 900), angle: uniform(-3, 3) });
      break;
    case 'tilted 0-30°':
      placements.push({ card: pick(), width: uniform(420, 750), angle: (rand() < 0.5 ? -1 : 1) * uniform(0, 30) });
      break;
    case 'turned 90°':
      placements.push({ card: pick(), width: uniform(420, 620), angle: (rand() < 0.5 ? 90 : 270) + uniform(-4, 4) });
      break;
    case 'blur σ1-2.5':
      placements.push({ card: pick(), width: uniform(450, 750), angle: uniform(-8, 8) });
      blur = uniform(1, 2.5);
      break;
    case 'small (QR ≈ 100 px)':
      placements.push({ card: pick(), width: uniform(90, 110) / QR_SHARE, angle: uniform(-10, 10) });
      break;
    case 'two cards': {
      const a = pick();
      placements.push({ card: a, width: uniform(380, 560), angle: uniform(-12, 12) }, { card: (a + 1) % pngs.length, width: uniform(380, 560), angle: uniform(-12, 12) });
      break;
    }
    case 'no card':
      break;
  }
  const layers: Array<{ input: Buffer; left: number; top: number }> = [];
  const expected: string[] = [];
  // two cards: one in each half, so they do not overlap
  for (const [k, p] of placements.entries()) {
    const placed = await placeCard(pngs[p.card]!, p.width, p.angle);
    const areaX = placements.length === 2 ? (k === 0 ? [0, W / 2] : [W / 2, W]) : [0, W];
    const maxLeft = Math.max(areaX[0]!, areaX[1]! - placed.width);
    const left = Math.round(uniform(areaX[0]!, maxLeft));
    const top = Math.round(uniform(0, Math.max(0, H - placed.height)));
    layers.push({ input: placed.input, left: Math.min(left, W - 1), top: Math.min(top, H - 1) });
    expected.push(cards[p.card]!.link);
  }
  // sharp runs composite after its other operations: blur in a second pass
  const flat = await sharp(bg, { raw: { width: W, height: H, channels: 3 } })
    .composite(layers)
    .removeAlpha()
    .raw()
    .toBuffer();
  const composed = await sharp(flat, { raw: { width: W, height: H, channels: 3 } })
    .blur(blur)
    .raw()
    .toBuffer({ resolveWithObject: true });
  // sensor noise after the optics
  const px = composed.data;
  addNoise(px, rand, 7);
  const jpeg = await sharp(px, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: Math.round(uniform(70, 88)) })
    .toBuffer();
  return { category, jpeg, expected };
}


const bench: Bench = {
  name: 'qr-decode',
  description: `QR cards read from ${W}×${H} phone-like JPEG photos (sharp + zxing-wasm)`,
  async run(): Promise<BenchResult> {
    const t0 = performance.now();
    const cards = Array.from({ length: 6 }, (_, i) => card(i));
    const pngs = await Promise.all(cards.map((c) => renderCardPng(c)));
    const photos: Photo[] = [];
    for (const category of CATEGORIES) for (let i = 0; i < PER_CATEGORY; i++) photos.push(await makePhoto(category, i, pngs, cards));
    const synthSeconds = (performance.now() - t0) / 1000;

    const warm0 = performance.now();
    await warmUpDecoder();
    const warmMs = performance.now() - warm0;
    // one untimed pass of each path, so both run with warm caches
    for (const photo of photos.slice(0, 10)) {
      await greyPixels(photo.jpeg);
      await decodeQrCodes(photo.jpeg);
    }

    const decodeMs = new Map<Category, number[]>();
    const baseMs: number[] = [];
    const ok = new Map<Category, number>();
    const failures: string[] = [];
    for (const [i, photo] of photos.entries()) {
      // alternate the order, so neither path always runs on a warmer cache
      const measureBase = async () => {
        const s = performance.now();
        await greyPixels(photo.jpeg);
        baseMs.push(performance.now() - s);
      };
      if (i % 2 === 0) await measureBase();
      const s = performance.now();
      const texts = await decodeQrCodes(photo.jpeg);
      const ms = performance.now() - s;
      if (i % 2 === 1) await measureBase();
      (decodeMs.get(photo.category) ?? decodeMs.set(photo.category, []).get(photo.category)!).push(ms);
      const good = texts.length === photo.expected.length && photo.expected.every((e) => texts.includes(e));
      if (good) ok.set(photo.category, (ok.get(photo.category) ?? 0) + 1);
      else if (failures.length < 6) failures.push(`${photo.category} #${photos.filter((p) => p.category === photo.category).indexOf(photo)}: found ${texts.length}, expected ${photo.expected.length}`);
    }

    const all = [...decodeMs.values()].flat();
    const p50 = percentile(all, 50);
    const p95 = percentile(all, 95);
    const base50 = percentile(baseMs, 50);
    const withCard = photos.filter((p) => p.expected.length > 0);
    const okWithCard = CATEGORIES.filter((c) => c !== 'no card').reduce((sum, c) => sum + (ok.get(c) ?? 0), 0);
    const successRate = okWithCard / withCard.length;
    const figures: Figure[] = [
      { label: 'decode p50, all photos', value: p50, unit: 'ms', target: `≤ ${TARGET_MS}`, ok: p50 <= TARGET_MS },
      { label: 'decode p95, all photos', value: p95, unit: 'ms' },
      { label: 'cards read (photos with cards)', value: `${fmt(100 * successRate, 1)} %`, target: '≥ 95 %', ok: successRate >= 0.95 },
      ...CATEGORIES.map((c) => {
        const ms = decodeMs.get(c) ?? [];
        return {
          label: `  ${c}`,
          value: `${ok.get(c) ?? 0}/${ms.length} ok, p50 ${fmt(percentile(ms, 50), 1)} / p95 ${fmt(percentile(ms, 95), 1)} ms`,
        };
      }),
      { label: 'baseline p50 (sharp decode + grey only)', value: base50, unit: 'ms' },
      { label: 'ZXing share of p50 (decode − baseline)', value: p50 - base50, unit: 'ms' },
      { label: 'first load of the decoder (wasm compile)', value: warmMs, unit: 'ms' },
    ];
    return {
      measured: 'decodeQrCodes per photo (sharp: decode, EXIF rotate, grey; zxing-wasm reader: every QR code), wall time per photo, one at a time, warm',
      data: `${photos.length} synthetic ${W}×${H} JPEG photos (${PER_CATEGORY} per category × ${CATEGORIES.length}), real rendered cards (QR version 5, EC level Q) on textured noisy backgrounds, fixed seed; synthesised in ${fmt(synthSeconds, 1)} s`,
      figures,
      primary: { label: 'decode p50', value: p50, unit: 'ms' },
      baseline: { label: 'sharp decode + grey p50 (same photos, same run)', value: base50, unit: 'ms', measuredInRun: true },
      target: `≤ ${TARGET_MS} ms per photo (p50) and ≥ 95 % of cards read`,
      notes: failures.length ? [`first failures: ${failures.join('; ')}`] : undefined,
    };
  },
};

export default bench;
