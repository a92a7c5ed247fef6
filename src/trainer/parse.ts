import { splitLine } from './csv.js';
import { EVENT_TYPES, InputError, readInput, type EventType, type Log, type Sequence } from './data.js';

export const FORMATS = ['movielens', 'rsc15', 'sessions', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** Column names of a shop's own CSV export. */
export interface CsvColumns {
  user?: string;
  session?: string;
  item: string;
  time?: string;
  type?: string;
}

export interface ParseOptions {
  format: Format;
  /** movielens: ratings at or above this are positive interactions. @default 4 */
  minRating?: number;
  /** csv: which column holds what. */
  columns?: CsvColumns;
}

interface Row {
  key: string;
  item: string;
  time: number;
  type: EventType;
  line: number;
}

/** Reads a log file; every mistake is an {@link InputError} naming the file, line and column. */
export async function readLog(file: string, options: ParseOptions): Promise<Log> {
  return parseLog(await readInput(file), file, options);
}

export function parseLog(text: string, file: string, options: ParseOptions): Log {
  const lines = text.split(/\r?\n/);
  const rows: Row[] = [];
  const fail = (line: number, column: number, message: string) => new InputError(file, line, column, message);
  let kind: Log['kind'] = 'sessions';
  const { format } = options;

  const number = (value: string, line: number, column: number, what: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw fail(line, column, `expected ${what} (a number), got ${JSON.stringify(value)}`);
    return n;
  };
  const id = (value: string, line: number, column: number, what: string) => {
    const v = value.trim();
    if (v === '') throw fail(line, column, `expected ${what}, got an empty field`);
    return v;
  };
  const split = (line: string, n: number, delimiter: string) => {
    try {
      return splitLine(line, delimiter);
    } catch (e) {
      throw fail(n, 1, (e as Error).message);
    }
  };

  if (format === 'movielens') {
    kind = 'users';
    const minRating = options.minRating ?? 4;
    const header = lines[0]?.startsWith('userId');
    if (header && !/^userId,movieId,rating,timestamp\b/.test(lines[0])) {
      throw fail(1, 1, `expected the header "userId,movieId,rating,timestamp", got ${JSON.stringify(lines[0].slice(0, 60))}`);
    }
    const delimiter = header ? ',' : '\t';
    lines.forEach((line, i) => {
      if ((header && i === 0) || line.trim() === '') return;
      const { fields, columns } = split(line, i + 1, delimiter);
      if (fields.length < 4) {
        throw fail(i + 1, 1, `expected 4 ${header ? 'comma' : 'tab'}-separated fields (user, item, rating, timestamp), got ${fields.length}`);
      }
      const rating = number(fields[2], i + 1, columns[2], 'a rating');
      const time = number(fields[3], i + 1, columns[3], 'a unix timestamp');
      const user = id(fields[0], i + 1, columns[0], 'a user id');
      const item = id(fields[1], i + 1, columns[1], 'an item id');
      if (rating >= minRating) rows.push({ key: user, item, time, type: 'click', line: i + 1 });
    });
  } else if (format === 'rsc15') {
    if (!/^SessionId\tItemId\tTime\s*$/.test(lines[0] ?? '')) {
      throw fail(1, 1, `expected the header "SessionId<TAB>ItemId<TAB>Time", got ${JSON.stringify((lines[0] ?? '').slice(0, 60))}`);
    }
    lines.forEach((line, i) => {
      if (i === 0 || line.trim() === '') return;
      const { fields, columns } = split(line, i + 1, '\t');
      if (fields.length !== 3) throw fail(i + 1, 1, `expected 3 tab-separated fields (SessionId, ItemId, Time), got ${fields.length}`);
      rows.push({
        key: id(fields[0], i + 1, columns[0], 'a session id'),
        item: id(fields[1], i + 1, columns[1], 'an item id'),
        time: number(fields[2], i + 1, columns[2], 'a unix time'),
        type: 'click',
        line: i + 1,
      });
    });
  } else if (format === 'sessions') {
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      line.trim().split(/\s+/).forEach((item, p) => rows.push({ key: String(i + 1), item, time: i + p * 1e-6, type: 'click', line: i + 1 }));
    });
  } else if (format === 'csv') {
    const c = options.columns;
    if (!c?.item || (!c.user && !c.session)) {
      throw fail(1, 1, 'the csv format needs --item and one of --user or --session naming columns of the header');
    }
    if (c.user && c.session) throw fail(1, 1, 'give one of --user or --session, not both');
    kind = c.user ? 'users' : 'sessions';
    const header = split(lines[0] ?? '', 1, ',').fields.map((h) => h.trim());
    const col = (name: string | undefined, flag: string) => {
      if (name === undefined) return -1;
      const at = header.indexOf(name);
      if (at < 0) throw fail(1, 1, `--${flag} names column ${JSON.stringify(name)}, but the header has ${header.map((h) => JSON.stringify(h)).join(', ')}`);
      return at;
    };
    const keyCol = col(c.user ?? c.session, c.user ? 'user' : 'session');
    const itemCol = col(c.item, 'item');
    const timeCol = col(c.time, 'time');
    const typeCol = col(c.type, 'type');
    lines.forEach((line, i) => {
      if (i === 0 || line.trim() === '') return;
      const { fields, columns } = split(line, i + 1, ',');
      if (fields.length < header.length) throw fail(i + 1, 1, `expected ${header.length} comma-separated fields as in the header, got ${fields.length}`);
      let type: EventType = 'click';
      if (typeCol >= 0) {
        const t = fields[typeCol].trim();
        if (!(EVENT_TYPES as readonly string[]).includes(t)) {
          throw fail(i + 1, columns[typeCol], `expected an event type (${EVENT_TYPES.join(', ')}), got ${JSON.stringify(t)}`);
        }
        type = t as EventType;
      }
      const time = timeCol >= 0 ? parseTime(fields[timeCol], i + 1, columns[timeCol], fail) : i;
      rows.push({ key: id(fields[keyCol], i + 1, columns[keyCol], 'a key'), item: id(fields[itemCol], i + 1, columns[itemCol], 'an item id'), time, type, line: i + 1 });
    });
  } else {
    throw new InputError(file, 0, 0, `unknown format ${JSON.stringify(format)}; expected one of ${FORMATS.join(', ')}`);
  }

  if (rows.length === 0) {
    const why = format === 'movielens' ? ` (none rated ${options.minRating ?? 4} or more)` : '';
    throw new InputError(file, 1, 1, `no interactions found${why}; expected at least one`);
  }
  return { file, kind, sequences: group(rows), events: rows.length };
}

function parseTime(value: string, line: number, column: number, fail: (l: number, c: number, m: string) => Error): number {
  const v = value.trim();
  const n = Number(v);
  if (v !== '' && Number.isFinite(n)) return n;
  const ms = Date.parse(v);
  if (!Number.isNaN(ms)) return ms / 1000;
  throw fail(line, column, `expected a time (unix seconds or an ISO date), got ${JSON.stringify(value)}`);
}

/** Groups rows into sequences, each in time order (ties keep file order), in order of first appearance. */
function group(rows: Row[]): Sequence[] {
  const byKey = new Map<string, Row[]>();
  for (const r of rows) {
    let list = byKey.get(r.key);
    if (!list) byKey.set(r.key, (list = []));
    list.push(r);
  }
  return [...byKey.entries()].map(([key, list]) => {
    list.sort((a, b) => a.time - b.time);
    return { key, items: list.map((r) => r.item), times: list.map((r) => r.time), types: list.map((r) => r.type), lines: list.map((r) => r.line) };
  });
}

/** Reads movies.csv-style item metadata (`id,title,categories` with `|` between categories). */
export async function readItems(file: string): Promise<Map<string, { title: string; categories: string[] }>> {
  const lines = (await readInput(file)).split(/\r?\n/);
  const out = new Map<string, { title: string; categories: string[] }>();
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    let parsed;
    try {
      parsed = splitLine(line, ',');
    } catch (e) {
      throw new InputError(file, i + 1, 1, (e as Error).message);
    }
    if (parsed.fields.length < 3) throw new InputError(file, i + 1, 1, `expected 3 fields (id, title, categories), got ${parsed.fields.length}`);
    const cats = parsed.fields[2].split('|').filter((g) => g && g !== '(no genres listed)');
    out.set(parsed.fields[0].trim(), { title: parsed.fields[1], categories: cats });
  });
  return out;
}
