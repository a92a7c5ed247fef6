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
}

/** A log read from a file: its sequences and whether they are sessions or long-lived users. */
export interface Log {
  file: string;
  kind: 'sessions' | 'users';
  sequences: Sequence[];
  /** Interactions read (after filters such as --min-rating). */
  events: number;
}

/** A mistake in an input file, located by line and column (1-based). */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(`${file}:${line}:${column}: ${message}`);
  }
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
}

export function countCases(set: EncodedSet): number {
  let n = 0;
  set.seqs.forEach((s, k) => (n += Math.max(0, s.length - Math.max(1, set.start[k]))));
  return n;
}
