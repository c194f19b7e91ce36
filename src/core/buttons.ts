/**
 * Typed callback data. A capability owns one namespace (the first field of every button it makes)
 * and declares each of its buttons once, with typed fields; its services and its bot build and
 * read button data through that declaration only, so a button can never be built in one shape
 * and parsed in another, a forged or stale one is refused by its field ranges (never overflows a
 * number), and a conversation can tell its own buttons from everybody else's.
 *
 * Wire format: `ns:action[:field…]`, ASCII, at most 64 bytes (Telegram's limit, checked when a
 * button is packed). Optional fields come last and are left out when absent.
 *
 * Written here rather than taken from `callback-data` (npm): that package converts fields with
 * `Number()`/`String()` and checks no range or length, which is the half that matters here.
 */

export interface Field<T> {
  /** the field's text in callback data, or null when the value cannot be written */
  write(value: T): string | null;
  /** the value of a field's text, or null when it is not one this field accepts */
  read(text: string): T | null;
  optional?: boolean;
}

const SAFE = /^[A-Za-z0-9_.\-]*$/;

/** A whole number within [min, max] (row ids: 1 … 2^31-1 by default). */
export function int(min = 1, max = 2_147_483_647): Field<number> {
  const digits = String(Math.max(Math.abs(min), Math.abs(max))).length + (min < 0 ? 1 : 0);
  const re = new RegExp(`^-?\\d{1,${digits}}$`);
  return {
    write: (v) => (Number.isInteger(v) && v >= min && v <= max ? String(v) : null),
    read: (s) => {
      if (!re.test(s)) return null;
      const n = Number(s);
      return n >= min && n <= max ? n : null;
    },
  };
}

/** A row id (positive, within Postgres `integer`). */
export const id = (): Field<number> => int(1, 2_147_483_647);

/** A big row id (within Postgres `bigint` as JS safe integers). */
export const bigId = (): Field<number> => int(1, Number.MAX_SAFE_INTEGER);

/** One of a few words; the wire form may be shorter than the value (`{ sick: 's' }`). */
export function oneOf<const V extends string>(values: readonly V[] | Record<V, string>): Field<V> {
  const pairs: Array<[V, string]> = Array.isArray(values) ? values.map((v) => [v, v]) : (Object.entries(values) as Array<[V, string]>);
  const toWire = new Map(pairs);
  const fromWire = new Map(pairs.map(([v, w]) => [w, v]));
  return { write: (v) => toWire.get(v) ?? null, read: (s) => fromWire.get(s) ?? null };
}

/** true / false as 1 / 0. */
export const flag = (): Field<boolean> => ({ write: (v) => (v ? '1' : '0'), read: (s) => (s === '1' ? true : s === '0' ? false : null) });

/** A calendar day: YYYY-MM-DD in code, YYYYMMDD on the wire; impossible dates are refused. */
export const day = (): Field<string> => ({
  write: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) && realDay(v) ? v.replaceAll('-', '') : null),
  read: (s) => {
    if (!/^\d{8}$/.test(s)) return null;
    const v = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
    return realDay(v) ? v : null;
  },
});

/** A short word of safe ASCII (`[A-Za-z0-9_.-]`), e.g. a period name. */
export function word(maxLength = 16): Field<string> {
  return { write: (v) => (v.length > 0 && v.length <= maxLength && SAFE.test(v) ? v : null), read: (s) => (s.length > 0 && s.length <= maxLength && SAFE.test(s) ? s : null) };
}

/** Any field, left out when absent (optional fields must come last). */
export function optional<T>(field: Field<T>): Field<T | undefined> {
  return {
    optional: true,
    write: (v) => (v === undefined ? '' : field.write(v)),
    read: (s) => field.read(s),
  };
}

function realDay(v: string): boolean {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

type Fields = Record<string, Field<any>>;
type Values<F extends Fields> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };
type Packable<F extends Fields> = {
  [K in keyof F as undefined extends Values<F>[K] ? never : K]: Values<F>[K];
} & {
  [K in keyof F as undefined extends Values<F>[K] ? K : never]?: Values<F>[K];
};

export interface Button<F extends Fields> {
  readonly namespace: string;
  readonly action: string;
  /** The callback data for these values; throws on a value out of range (a bug, not user input). */
  pack(values: Packable<F>): string;
  /** The values in callback data, or null when the data is not this button's or out of range. */
  parse(data: string | undefined): Values<F> | null;
  /** For `composer.callbackQuery(...)`: matches this button's data (fields are checked by parse). */
  readonly pattern: RegExp;
}

export interface ButtonNamespace {
  readonly name: string;
  /** Declares one button of this namespace; actions are unique within it. */
  button<F extends Fields = Record<never, never>>(action: string, fields?: F): Button<F>;
  /** Whether callback data belongs to this namespace (any of its buttons, valid or not). */
  owns(data: string | undefined): boolean;
  /** Whether the data is one of these buttons, with valid fields. */
  isOneOf(data: string | undefined, buttons: ReadonlyArray<Button<any>>): boolean;
  readonly actions: readonly string[];
}

const MAX_BYTES = 64;

/**
 * A capability's callback namespace. `name` is short ASCII (2-4 letters keep data small); the
 * capability list checks that no two capabilities share one.
 */
export function buttonNamespace(name: string): ButtonNamespace {
  if (!/^[a-z][a-z0-9]{0,7}$/.test(name)) throw new Error(`button namespace "${name}": 1-8 lowercase letters or digits`);
  const actions: string[] = [];
  return {
    name,
    actions,
    owns: (data) => data !== undefined && (data === name || data.startsWith(`${name}:`)),
    isOneOf: (data, buttons) => buttons.some((b) => b.parse(data) !== null),
    button<F extends Fields>(action: string, fields: F = {} as F): Button<F> {
      // An empty action makes a button whose data is the namespace alone (one-button namespaces).
      if (!/^[a-z0-9]{0,12}$/.test(action)) throw new Error(`button ${name}:${action}: the action is 0-12 lowercase letters or digits`);
      if (actions.includes(action)) throw new Error(`button ${name}:${action} is declared twice`);
      actions.push(action);
      const entries = Object.entries(fields);
      const firstOptional = entries.findIndex(([, f]) => f.optional);
      if (firstOptional >= 0 && entries.slice(firstOptional).some(([, f]) => !f.optional)) {
        throw new Error(`button ${name}:${action}: optional fields must come last`);
      }
      const head = action === '' ? name : `${name}:${action}`;
      if (action === '' && entries.length > 0) throw new Error(`button ${name}: a button without an action has no fields`);
      return {
        namespace: name,
        action,
        pattern: new RegExp(`^${head}(?::|$)`),
        pack(values) {
          const parts = [head];
          for (const [key, field] of entries) {
            const v = (values as Record<string, unknown>)[key];
            const text = field.write(v);
            if (text === null || (!field.optional && text === '')) throw new Error(`button ${head}: field ${key} cannot hold ${String(v)}`);
            if (text === '') break; // an absent optional field ends the data
            parts.push(text);
          }
          const data = parts.join(':');
          if (Buffer.byteLength(data) > MAX_BYTES) throw new Error(`button ${head}: data over ${MAX_BYTES} bytes`);
          return data;
        },
        parse(data) {
          if (data === undefined || (data !== head && !data.startsWith(`${head}:`))) return null;
          const texts = data === head ? [] : data.slice(head.length + 1).split(':');
          if (texts.length > entries.length) return null;
          const out: Record<string, unknown> = {};
          for (let i = 0; i < entries.length; i++) {
            const [key, field] = entries[i]!;
            const text = texts[i];
            if (text === undefined) {
              if (!field.optional) return null;
              out[key] = undefined;
              continue;
            }
            const value = field.read(text);
            if (value === null) return null;
            out[key] = value;
          }
          return out as Values<F>;
        },
      };
    },
  };
}
