import { basename } from 'node:path';
import { EVENT_TYPES, InputError, Vocabulary, countCases, type EncodedSet, type Log, type Negatives, type Sequence } from './data.js';

/** Train, validation and test sets over one vocabulary, plus a description of how they were cut. */
export interface Split {
  vocab: Vocabulary;
  /** What the learned parts train on. */
  train: EncodedSet;
  /** Validation cases (early stopping, blend tuning); their prefixes may reach back into train. */
  valid: EncodedSet;
  /** Train and validation together: what count-based parts use for the final test. */
  full: EncodedSet;
  test: EncodedSet;
  lines: string[];
}

const VALID_SHARE = 0.1;
const TEST_SHARE = 0.1;
/** Users: the last 20% of each user's interactions are held out for test, the 20% before that for validation. */
const USER_HOLDOUT = 0.2;

const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');

/**
 * A sequence's negative feedback as model rows (once the vocabulary is whole): items no positive event
 * brought into the catalog are dropped, since the model cannot score them. `dropsUnknown`: the encoded
 * sequence dropped its own events of unknown items, so each `at` counts only the events it kept.
 */
export function encodeNegatives(s: Sequence, rowOf: (id: string) => number | undefined, dropsUnknown = false): Negatives<number> | undefined {
  const neg = s.negatives;
  if (!neg) return undefined;
  // kept[j]: how many of the sequence's first j events the encoded sequence holds.
  let kept: number[] | undefined;
  if (dropsUnknown) {
    kept = [0];
    for (const id of s.items) kept.push(kept[kept.length - 1] + (rowOf(id) === undefined ? 0 : 1));
  }
  const out: Negatives<number> = { items: [], times: [], at: [] };
  neg.items.forEach((id, k) => {
    const row = rowOf(id);
    if (row === undefined) return;
    out.items.push(row);
    out.times.push(neg.times[k]);
    out.at.push(kept ? kept[neg.at[k]] : neg.at[k]);
  });
  return out.items.length ? out : undefined;
}

/**
 * Splits by time. Sessions: the latest sessions (by their last event) are the test set, the ones before
 * them validation. Users: each user's last interactions are the test cases. With `testLog`, that log is the
 * test set and only validation is cut from `log`.
 */
export function splitByTime(log: Log, testLog?: Log): Split {
  const vocab = new Vocabulary();
  // Users' histories keep their times (a case then reads its current session apart); sessions need none.
  const users = log.kind === 'users';
  /**
   * Sequences, each its first `end` events evaluated from `start`, as row numbers. One buffer per field for
   * the set, each sequence's arrays views of it: arrays of its own would cost a session more in their
   * headers (some 400 bytes) than its events do.
   */
  const set = (parts: { s: Sequence; end: number; start: number }[]): EncodedSet => {
    const total = parts.reduce((sum, p) => sum + p.end, 0);
    const [items, types, times] = [new Int32Array(total), new Uint8Array(total), users ? new Float64Array(total) : undefined];
    const out: EncodedSet = { seqs: [], types: [], start: [], ...(times && { times: [] }) };
    let at = 0;
    for (const { s, end, start } of parts) {
      for (let i = 0; i < end; i++) {
        items[at + i] = vocab.add(s.items[i]);
        types[at + i] = EVENT_TYPES.indexOf(s.types[i]);
        if (times) times[at + i] = s.times[i];
      }
      out.seqs.push(items.subarray(at, at + end));
      out.types.push(types.subarray(at, at + end));
      out.times?.push(times!.subarray(at, at + end));
      out.start.push(start);
      at += end;
    }
    return out;
  };
  const negativesOf = (s: Sequence, dropsUnknown = false) => encodeNegatives(s, (id) => vocab.get(id), dropsUnknown);
  /** Adds each sequence's negatives to a set (none when no sequence has any). */
  const withNegatives = (set: EncodedSet, negatives: (Negatives<number> | undefined)[]) => {
    if (negatives.some(Boolean)) set.negatives = negatives;
  };
  const lines: string[] = [];
  let train: EncodedSet, valid: EncodedSet, full: EncodedSet;
  let testParts: Sequence[] = [];
  let testStarts: number[] = [];

  if (log.kind === 'users' && !testLog) {
    const [tr, va] = [[], []] as Parameters<typeof set>[0][];
    for (const s of log.sequences) {
      const n = s.items.length;
      const cutTest = n - Math.floor(n * USER_HOLDOUT);
      const cutValid = cutTest - Math.floor(cutTest * USER_HOLDOUT);
      // Rows in the order of the users' events (ties in a ranking go to the lower row).
      for (let i = 0; i < cutTest; i++) vocab.add(s.items[i]);
      tr.push({ s, end: cutValid, start: 1 });
      va.push({ s, end: cutTest, start: Math.max(1, cutValid) });
      testParts.push(s);
      testStarts.push(Math.max(1, cutTest));
    }
    [train, valid] = [set(tr), set(va)];
    // Train and validation: the users' first 80%, validation's sequences, every position a case.
    full = { ...valid, start: valid.start.map(() => 1) };
    const negatives = log.sequences.map((s) => negativesOf(s));
    for (const x of [train, valid, full]) withNegatives(x, negatives);
    lines.push(`split by time within each of ${log.sequences.length} users: first 64% train, next 16% validation, last 20% test`);
  } else {
    const byEnd = [...log.sequences].sort((a, b) => a.times[a.times.length - 1] - b.times[b.times.length - 1]);
    const n = byEnd.length;
    const nTest = testLog ? 0 : Math.round(n * TEST_SHARE);
    const nValid = Math.round((n - nTest) * VALID_SHARE);
    const trainSeqs = byEnd.slice(0, n - nTest - nValid);
    const validSeqs = byEnd.slice(n - nTest - nValid, n - nTest);
    if (trainSeqs.length === 0 || validSeqs.length === 0) {
      throw new InputError(log.file, 0, 0, `only ${n} ${log.kind}: too few to split into train, validation and test`);
    }
    [train, valid] = [trainSeqs, validSeqs].map((seqs) => set(seqs.map((s) => ({ s, end: s.items.length, start: 1 }))));
    // Train and validation's sequences, the same arrays.
    full = { seqs: [...train.seqs, ...valid.seqs], types: [...train.types, ...valid.types], start: [...train.start, ...valid.start], ...(users && { times: [...train.times!, ...valid.times!] }) };
    const [trainNegatives, validNegatives] = [trainSeqs.map((s) => negativesOf(s)), validSeqs.map((s) => negativesOf(s))];
    withNegatives(train, trainNegatives);
    withNegatives(valid, validNegatives);
    withNegatives(full, [...trainNegatives, ...validNegatives]);
    const end = (s: Sequence) => s.times[s.times.length - 1];
    lines.push(
      `train       ${trainSeqs.length} ${log.kind} ending ${date(end(trainSeqs[0]))} .. ${date(end(trainSeqs[trainSeqs.length - 1]))}`,
      `validation  ${validSeqs.length} ${log.kind} ending ${date(end(validSeqs[0]))} .. ${date(end(validSeqs[validSeqs.length - 1]))}`,
    );
    testParts = testLog ? testLog.sequences : byEnd.slice(n - nTest);
    testStarts = testParts.map(() => 1);
    if (!testLog) lines.push(`test        ${testParts.length} ${log.kind} ending ${date(end(testParts[0]))} .. ${date(end(testParts[testParts.length - 1]))}`);
  }

  // Test items the model never saw cannot be ranked: an error in a given test file, dropped from a cut one.
  let dropped = 0;
  const testNegatives: (Negatives<number> | undefined)[] = [];
  // Packed as the other sets (one buffer per field), the test events of items the model knows.
  const [rows, types, times, ends]: number[][] = [[], [], [], []];
  const starts: number[] = [];
  testParts.forEach((s, k) => {
    let start = testStarts[k];
    s.items.forEach((id, i) => {
      const row = vocab.get(id);
      if (row === undefined) {
        if (testLog) throw new InputError(testLog.file, s.lines[i], 1, `item ${JSON.stringify(id)} (in ${testLog.kind === 'users' ? 'user' : 'session'} ${JSON.stringify(s.key)}) does not occur in the training log ${basename(log.file)}`);
        dropped++;
        if (i < testStarts[k]) start--;
        return;
      }
      rows.push(row);
      types.push(EVENT_TYPES.indexOf(s.types[i]));
      times.push(s.times[i]);
    });
    // Kept even when too short to hold a case, so test sequence s stays user s of train and full.
    ends.push(rows.length);
    starts.push(Math.max(1, start));
    testNegatives.push(negativesOf(s, true));
  });
  const test: EncodedSet = { seqs: [], types: [], start: starts, ...((testLog ?? log).kind === 'users' && { times: [] }) };
  const packed = { rows: Int32Array.from(rows), types: Uint8Array.from(types), times: test.times && Float64Array.from(times) };
  ends.forEach((end, k) => {
    const from = k ? ends[k - 1] : 0;
    test.seqs.push(packed.rows.subarray(from, end));
    test.types.push(packed.types.subarray(from, end));
    test.times?.push(packed.times!.subarray(from, end));
  });
  withNegatives(test, testNegatives);
  if (testLog) lines.push(`test        ${testParts.length} ${testLog.kind} from ${basename(testLog.file)}`);
  lines.push(`items       ${vocab.size}; cases: validation ${countCases(valid)}, test ${countCases(test)}${dropped ? ` (${dropped} test events of items unseen in training dropped)` : ''}`);
  return { vocab, train, valid, full, test, lines };
}
