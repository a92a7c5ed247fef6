import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
/** Event types a log may carry, weakest signal first. */
export const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One visitor's or session's interactions, oldest first. */
export interface Sequence {
  key: string;
  items: string[];
  times: number[];
  types: EventType[];
  /** The line of the file each event came from, for error messages. */
  lines: number[];
  /** Dislikes and dismissals, oldest first: negative feedback, kept out of the sequence (nothing learns to predict it). */
  negatives?: Negatives<string>;
}

/**
 * A sequence's negative feedback (a dislike or a dismissal: the scoring core reads both alike): each
 * event's item, time, and `at`, how many of the sequence's events came before it. Case i (predicting event
 * i) sees those with at <= i, as the browser sees every earlier event.
 */
export interface Negatives<K> {
  items: K[];
  times: number[];
  at: number[];
}

/** The negative event types of the csv and parquet formats' type column (the browser's dislike and dismiss). */
export const NEGATIVE_TYPES = ['dislike', 'dismiss'] as const;

/** A log read from a file: its sequences and whether they are sessions or long-lived users. */
export interface Log {
  file: string;
  kind: 'sessions' | 'users';
  sequences: Sequence[];
  /** Interactions read (after filters such as --min-rating). */
  events: number;
  /** Negative events read (dislikes, dismissals), held in the sequences' `negatives`. */
  negatives: number;
}

/** A mistake in an input file, located by line and column (1-based). */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    // Line and column 0: the mistake is the file's as a whole (missing, a folder, too short), not a place in it.
    super(`${file}${line > 0 ? `:${line}${column > 0 ? `:${column}` : ''}` : ''}: ${message}`);
  }
}

/** A file the user named that cannot be read: missing, a folder, not permitted. */
export function unreadable(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder; expected a file' : code === 'EACCES' ? 'not readable (permission denied)' : `cannot be read (${(e as Error).message})`;
  return new InputError(file, 0, 0, why);
}

/** Reads a (small) text file the user named; a missing file, a folder or an unreadable one is an InputError saying which. */
export async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw unreadable(file, e);
  }
}

/**
 * Streams a UTF-8 text file the user named a line at a time (1-based numbers; "\r\n" or "\n"), holding
 * one chunk in memory rather than the file: a log may be larger than the longest string V8 allows.
 */
export async function readLines(file: string, onLine: (line: string, n: number) => void): Promise<void> {
  const chunks = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })[Symbol.asyncIterator]();
  let rest = '';
  let n = 0;
  const emit = (line: string) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line, ++n);
  for (;;) {
    let next: IteratorResult<string>;
    try {
      next = await chunks.next();
    } catch (e) {
      throw unreadable(file, e);
    }
    if (next.done) break;
    const text = rest + next.value;
    let from = 0;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
      emit(text.slice(from, at));
      from = at + 1;
    }
    rest = text.slice(from);
  }
  if (rest !== '' || n === 0) emit(rest);
}

/** Item ids to dense row numbers, in order of first appearance. */
export class Vocabulary {
  readonly ids: string[] = [];
  private readonly _index = new Map<string, number>();

  add(id: string): number {
    let row = this._index.get(id);
    if (row === undefined) {
      row = this.ids.length;
      this._index.set(id, row);
      this.ids.push(id);
    }
    return row;
  }

  get(id: string): number | undefined {
    return this._index.get(id);
  }

  get size(): number {
    return this.ids.length;
  }
}

/** Sequences as row numbers, with the position where evaluation starts in each. */
export interface EncodedSet {
  seqs: Int32Array[];
  /** Cases are positions i >= start[s] (and i >= 1): predict seqs[s][i] from seqs[s][0..i-1]. */
  start: number[];
  types: Uint8Array[];
  /** A sample's sequence s is sequence origin[s] of the set it came from (user factors are looked up by it). */
  origin?: number[];
  /**
   * Event times in seconds, for users' histories: a case then sees its history as the browser would,
   * the current session apart from the rest (sessionStart). A session log's sequences have none: each
   * is one session.
   */
  times?: Float64Array[];
  /** Each sequence's negative feedback (absent: none), as model rows; a case reads what came before it. */
  negatives?: (Negatives<number> | undefined)[];
}

/** A gap longer than this (seconds) ends a session: the browser's default `sessionTimeoutMinutes`, 30. */
export const SESSION_GAP = 1800;

/**
 * Where the current session of case i begins in `times` (event i is the one to predict, at its time):
 * the first of the trailing events before i with no gap over SESSION_GAP, the last within SESSION_GAP of
 * event i. i itself when the session is over (an empty session), 0 when it spans the whole prefix.
 */
export function sessionStart(times: Float64Array, i: number): number {
  if (i === 0 || times[i] - times[i - 1] > SESSION_GAP) return i;
  let k = i - 1;
  while (k > 0 && times[k] - times[k - 1] <= SESSION_GAP) k--;
  return k;
}

export function countCases(set: EncodedSet): number {
  let n = 0;
  set.seqs.forEach((s, k) => (n += Math.max(0, s.length - Math.max(1, set.start[k]))));
  return n;
}

/**
 * Every k-th case of a set, at most about `max` of them, each as its own sequence (a view of its prefix
 * and target, nothing copied): a validation sample whose cost does not grow with the log.
 */
export function sampleCases(set: EncodedSet, max: number): EncodedSet {
  const total = countCases(set);
  if (total <= max) return set;
  const every = Math.ceil(total / max);
  const out: EncodedSet = { seqs: [], types: [], start: [], origin: [], ...(set.times && { times: [] }) };
  let k = 0;
  set.seqs.forEach((seq, s) => {
    for (let i = Math.max(1, set.start[s]); i < seq.length; i++) {
      if (k++ % every !== 0) continue;
      out.seqs.push(seq.subarray(0, i + 1));
      out.types.push(set.types[s].subarray(0, i + 1));
      out.times?.push(set.times![s].subarray(0, i + 1));
      out.start.push(i);
      out.origin!.push(set.origin?.[s] ?? s);
      if (set.negatives) (out.negatives ??= []).push(set.negatives[s]);
    }
  });
  return out;
}
