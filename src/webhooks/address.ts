/**
 * Where a webhook may point: a public https address. Private, loopback, link-local, CGNAT,
 * multicast and unspecified addresses are refused (a token holder must not make the server call
 * into its own network), checked on the names' resolved addresses when the webhook is added and
 * again before every delivery (a name may be re-pointed later). `allowPrivate` (the
 * WEBHOOKS_ALLOW_PRIVATE flag, off by default) is for development and tests: private addresses,
 * and plain http to them, are then accepted.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export class WebhookUrlError extends Error {}

function v4Private(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return (
    a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19))
  );
}

/** True for an address a webhook may not call. */
export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) return v4Private(ip);
  const v6 = ip.toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped) return v4Private(mapped[1]!);
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^ff/.test(v6) || v6.startsWith('64:ff9b:') || v6.startsWith('2001:db8');
}

/** The URL, checked; throws WebhookUrlError with what is wrong. */
export async function checkWebhookUrl(text: string, opts: { allowPrivate: boolean; resolve?: (host: string) => Promise<string[]> }): Promise<URL> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new WebhookUrlError(`"${text}" is not a URL`);
  }
  if (url.username || url.password) throw new WebhookUrlError('the URL may not carry a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const resolve = opts.resolve ?? (async (h: string) => (await lookup(h, { all: true })).map((a) => a.address));
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    throw new WebhookUrlError(`the host ${host} cannot be resolved`);
  }
  if (addresses.length === 0) throw new WebhookUrlError(`the host ${host} cannot be resolved`);
  const isPrivate = addresses.some(isPrivateAddress) || host === 'localhost' || host.endsWith('.localhost');
  if (isPrivate && !opts.allowPrivate) throw new WebhookUrlError(`${host} is a private or loopback address; webhooks go to public addresses only`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isPrivate && opts.allowPrivate)) throw new WebhookUrlError('the URL must start with https://');
  return url;
}
