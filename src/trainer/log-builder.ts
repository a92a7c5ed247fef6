import { splitLine } from './csv.js';
import { EVENT_TYPES, InputError, NEGATIVE_TYPES, type EventType, type Log, type Sequence } from './data.js';
import { FORMATS, type CsvColumns, type ParseOptions } from './formats.js';

/** A growable typed array: rows are kept in columns, a few bytes each, whatever the log's size. */
class Column<A extends Int32Array | Float64Array | Uint8Array> {
  length = 0;
  constructor(public data: A) {}
  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => A)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }
  get values(): A {
    return this.data.subarray(0, this.length) as A;
  }
}

/** Strings to dense numbers, each distinct string kept once. */
class Interner {
  readonly names: string[] = [];
  private readonly _index = new Map<string, number>();
  of(name: string): number {
    let i = this._index.get(name);
    if (i === undefined) this._index.set(name, (i = this.names.push(name) - 1));
    return i;
  }
}

/** The type of a row of negative feedback (a dislike or dismissal): outside EVENT_TYPES, as it is outside the sequences. */
export const NEGATIVE = 255;

/** A type column's value as a row's type: an index in EVENT_TYPES, NEGATIVE, or −1 for none of them. */
export function typeOf(value: unknown): number {
  return (NEGATIVE_TYPES as readonly unknown[]).includes(value) ? NEGATIVE : EVENT_TYPES.indexOf(value as EventType);
}

/** What a type column may hold, for messages. */
export const TYPE_NAMES = [...EVENT_TYPES, ...NEGATIVE_TYPES].join(', ');

/** Where the csv and parquet formats' column flags point among a log's column `names` (−1: not given). */
export interface ColumnMap {
  kind: Log['kind'];
  key: number;
  item: number;
  time: number;
  type: number;
}

/** Reads the column flags against the log's column names; a flag that names no column fails through `fail`, naming those there are. */
export function mapColumns(format: string, c: CsvColumns | undefined, names: string[], where: string, fail: (message: string) => Error): ColumnMap {
  if (!c?.item || (!c.user && !c.session)) throw fail(`the ${format} format needs --item and one of --user or --session naming columns of ${where}`);
  if (c.user && c.session) throw fail('give one of --user or --session, not both');
  const col = (name: string | undefined, flag: string) => {
    if (name === undefined) return -1;
    const at = names.indexOf(name);
    if (at < 0) throw fail(`--${flag} names column ${JSON.stringify(name)}, but ${where} has ${names.map((h) => JSON.stringify(h)).join(', ')}`);
    return at;
  };
  return { kind: c.user ? 'users' : 'sessions', key: col(c.user ?? c.session, c.user ? 'user' : 'session'), item: col(c.item, 'item'), time: col(c.time, 'time'), type: col(c.type, 'type') };
}

/**
 * Parses a log a line at a time into columns (key, item, time, type, line), then groups them into
 * sequences. A reader of another encoding (Parquet) adds rows through {@link LogBuilder.row}.
 */
export class LogBuilder {
  private readonly _keys = new Interner();
  private readonly _items = new Interner();
  private readonly _key = new Column(new Int32Array(1024));
  private readonly _item = new Column(new Int32Array(1024));
  private readonly _time = new Column(new Float64Array(1024));
  private readonly _type = new Column(new Uint8Array(1024));
  private readonly _line = new Column(new Int32Array(1024));
  /** Whether the log's sequences are sessions or long-lived users. */
  kind: Log['kind'] = 'sessions';
  private _parse?: (line: string, n: number) => void;

  constructor(
    private readonly _file: string,
    private readonly _options: ParseOptions,
  ) {
    if (!(FORMATS as readonly string[]).includes(_options.format)) {
      throw new InputError(_file, 0, 0, `unknown format ${JSON.stringify(_options.format)}; expected one of ${FORMATS.join(', ')}`);
    }
  }

  private _fail(line: number, column: number, message: string): InputError {
    return new InputError(this._file, line, column, message);
  }

  /** One interaction: its sequence's key, item, time, type (index in EVENT_TYPES, or NEGATIVE) and line (or row) for messages. */
  row(key: string, item: string, time: number, type: number, line: number): void {
    this._key.push(this._keys.of(key));
    this._item.push(this._items.of(item));
    this._time.push(time);
    this._type.push(type);
    this._line.push(line);
  }

  push(line: string, n: number): void {
    if (n === 1) this._parse = this._header(line);
    else if (line.trim() !== '') this._parse!(line, n);
  }

  /** Reads the first line (a header, or the first row) and returns the parser of the rows after it. */
  private _header(first: string): (line: string, n: number) => void {
    const { format } = this._options;
    const number = (value: string, line: number, column: number, what: string) => {
      const x = Number(value);
      if (value.trim() === '' || !Number.isFinite(x)) throw this._fail(line, column, `expected ${what} (a number), got ${JSON.stringify(value)}`);
      return x;
    };
    const id = (value: string, line: number, column: number, what: string) => {
      const v = value.trim();
      if (v === '') throw this._fail(line, column, `expected ${what}, got an empty field`);
      return v;
    };
    const split = (line: string, n: number, delimiter: string) => {
      try {
        return splitLine(line, delimiter);
      } catch (e) {
        throw this._fail(n, 1, (e as Error).message);
      }
    };
    const CLICK = EVENT_TYPES.indexOf('click');
    let rows: (line: string, n: number) => void;
    let header = true;

    if (format === 'movielens') {
      this.kind = 'users';
      const minRating = this._options.minRating ?? 4;
      const dislikeRating = this._options.dislikeRating ?? 2;
      header = first.startsWith('userId');
      if (header && !/^userId,movieId,rating,timestamp\b/.test(first)) {
        throw this._fail(1, 1, `expected the header "userId,movieId,rating,timestamp", got ${JSON.stringify(first.slice(0, 60))}`);
      }
      const delimiter = header ? ',' : '\t';
      rows = (line, n) => {
        const { fields, columns } = split(line, n, delimiter);
        if (fields.length < 4) throw this._fail(n, 1, `expected 4 ${header ? 'comma' : 'tab'}-separated fields (user, item, rating, timestamp), got ${fields.length}`);
        const rating = number(fields[2], n, columns[2], 'a rating');
        const time = number(fields[3], n, columns[3], 'a unix timestamp');
        const user = id(fields[0], n, columns[0], 'a user id');
        const item = id(fields[1], n, columns[1], 'an item id');
        if (rating >= minRating) this.row(user, item, time, CLICK, n);
        else if (rating <= dislikeRating) this.row(user, item, time, NEGATIVE, n);
      };
    } else if (format === 'rsc15') {
      if (!/^SessionId\tItemId\tTime\s*$/.test(first)) {
        throw this._fail(1, 1, `expected the header "SessionId<TAB>ItemId<TAB>Time", got ${JSON.stringify(first.slice(0, 60))}`);
      }
      rows = (line, n) => {
        const { fields, columns } = split(line, n, '\t');
        if (fields.length !== 3) throw this._fail(n, 1, `expected 3 tab-separated fields (SessionId, ItemId, Time), got ${fields.length}`);
        this.row(id(fields[0], n, columns[0], 'a session id'), id(fields[1], n, columns[1], 'an item id'), number(fields[2], n, columns[2], 'a unix time'), CLICK, n);
      };
    } else if (format === 'sessions') {
      header = false;
      rows = (line, n) => {
        const key = String(n);
        line
          .trim()
          .split(/\s+/)
          .forEach((item, p) => this.row(key, item, n + p * 1e-6, CLICK, n));
      };
    } else {
      const names = split(first, 1, ',').fields.map((h) => h.trim());
      const map = mapColumns('csv', this._options.columns, names, 'the header', (message) => this._fail(1, 1, message));
      this.kind = map.kind;
      const { key: keyCol, item: itemCol, time: timeCol, type: typeCol } = map;
      rows = (line, n) => {
        const { fields, columns } = split(line, n, ',');
        if (fields.length < names.length) throw this._fail(n, 1, `expected ${names.length} comma-separated fields as in the header, got ${fields.length}`);
        let type = CLICK;
        if (typeCol >= 0) {
          const t = fields[typeCol].trim();
          type = typeOf(t);
          if (type < 0) throw this._fail(n, columns[typeCol], `expected an event type (${TYPE_NAMES}), got ${JSON.stringify(t)}`);
        }
        const time = timeCol >= 0 ? parseTime(fields[timeCol], n, columns[timeCol], (l, k, m) => this._fail(l, k, m)) : n;
        this.row(id(fields[keyCol], n, columns[keyCol], 'a key'), id(fields[itemCol], n, columns[itemCol], 'an item id'), time, type, n);
      };
    }
    if (!header && first.trim() !== '') rows(first, 1);
    return rows;
  }

  finish(): Log {
    const { format } = this._options;
    const count = this._key.length;
    if (!this._type.values.some((t) => t !== NEGATIVE)) {
      const why = format === 'movielens' ? ` (none rated ${this._options.minRating ?? 4} or more)` : '';
      throw new InputError(this._file, 1, 1, `no interactions found${why}; expected at least one`);
    }
    const keep = this._recent(count);
    const sequences = this._group(keep);
    let [events, negatives] = [0, 0];
    for (const s of sequences) (events += s.items.length), (negatives += s.negatives?.items.length ?? 0);
    return { file: this._file, kind: this.kind, sequences, events, negatives };
  }

  /**
   * The rows that --since and --max-clicks keep (all when neither is given), in file order. --max-clicks
   * counts interactions; negative feedback from the time the kept ones start is kept beside them.
   */
  private _recent(count: number): Int32Array | undefined {
    const { since, maxClicks } = this._options;
    if (since === undefined && maxClicks === undefined) return undefined;
    const times = this._time.values;
    const types = this._type.values;
    let cut = since ?? -Infinity;
    // The most recent maxClicks interactions: those after the maxClicks-th latest time, and at that time the last in the file.
    let atCut = Infinity;
    // (Sorted interaction times, only when --max-clicks needs them: negative feedback does not count.)
    const sorted = maxClicks === undefined ? undefined : times.filter((_, r) => types[r] !== NEGATIVE).sort();
    const n = sorted?.length ?? 0;
    if (sorted && maxClicks !== undefined && maxClicks < n) {
      const t = sorted[n - maxClicks];
      if (t >= cut) {
        cut = t;
        let above = 0;
        for (let k = n - maxClicks; k < n; k++) if (sorted[k] > t) above++;
        atCut = maxClicks - above;
      }
    }
    const kept: number[] = [];
    for (let r = count - 1; r >= 0; r--) {
      const t = times[r];
      if (t > cut || (t === cut && (types[r] === NEGATIVE || atCut-- > 0))) kept.push(r);
    }
    if (kept.length === 0) {
      let latest = -Infinity;
      for (const t of times) latest = Math.max(latest, t);
      throw new InputError(this._file, 0, 0, `no interactions at or after --since ${isoDate(cut)}; the latest is at ${isoDate(latest)}`);
    }
    return Int32Array.from(kept.reverse());
  }

  /** Groups rows into sequences, each in time order (ties keep file order), in order of first appearance. */
  private _group(keep: Int32Array | undefined): Sequence[] {
    const key = this._key.values;
    const item = this._item.values;
    const time = this._time.values;
    const type = this._type.values;
    const line = this._line.values;
    const rows = keep ?? Int32Array.from({ length: key.length }, (_, r) => r);
    // A counting sort by key, in order of each key's first kept row: no object per row.
    const slot = new Int32Array(this._keys.names.length).fill(-1);
    const counts: number[] = [];
    for (const r of rows) {
      if (slot[key[r]] < 0) slot[key[r]] = counts.push(0) - 1;
      counts[slot[key[r]]]++;
    }
    const offsets = new Int32Array(counts.length + 1);
    for (let s = 0; s < counts.length; s++) offsets[s + 1] = offsets[s] + counts[s];
    const fill = offsets.slice(0, counts.length);
    const order = new Int32Array(rows.length);
    for (const r of rows) order[fill[slot[key[r]]]++] = r;
    const keyNames: string[] = new Array(counts.length);
    for (const r of rows) keyNames[slot[key[r]]] = this._keys.names[key[r]];
    const names = this._items.names;
    const sequences: Sequence[] = [];
    for (let s = 0; s < counts.length; s++) {
      let part = order.subarray(offsets[s], offsets[s + 1]);
      let sorted = true;
      for (let k = 1; k < part.length && sorted; k++) sorted = time[part[k - 1]] <= time[part[k]];
      if (!sorted) part = Int32Array.from(part).sort((a, b) => time[a] - time[b] || a - b);
      // Negative feedback apart: each keeps how many of the sequence's events came before it.
      const events = part.filter((r) => type[r] !== NEGATIVE);
      if (events.length === 0) continue; // a key with nothing but negative feedback: no sequence
      const sequence: Sequence = {
        key: keyNames[s],
        items: Array.from(events, (r) => names[item[r]]),
        times: Array.from(events, (r) => time[r]),
        types: Array.from(events, (r) => EVENT_TYPES[type[r]]),
        lines: Array.from(events, (r) => line[r]),
      };
      if (events.length < part.length) {
        const negatives: Sequence['negatives'] = { items: [], times: [], at: [] };
        let before = 0;
        for (const r of part) {
          if (type[r] !== NEGATIVE) before++;
          else (negatives.items.push(names[item[r]]), negatives.times.push(time[r]), negatives.at.push(before));
        }
        sequence.negatives = negatives;
      }
      sequences.push(sequence);
    }
    return sequences;
  }
}

const isoDate = (seconds: number) => new Date(seconds * 1000).toISOString();

/** A time as the csv format and --since take it: unix seconds (fractions allowed) or an ISO 8601 date. */
export function parseTime(value: string, line: number, column: number, fail: (l: number, c: number, m: string) => Error): number {
  const v = value.trim();
  const n = Number(v);
  if (v !== '' && Number.isFinite(n)) return n;
  const ms = Date.parse(v);
  if (!Number.isNaN(ms)) return ms / 1000;
  throw fail(line, column, `expected a time (unix seconds or an ISO date), got ${JSON.stringify(value)}`);
}

