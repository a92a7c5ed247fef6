import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseEmbeddings } from '../../src/cli/import.js';
import { parseManifest } from '../../src/lib/manifest.js';
import { checkRankArgs, resolveOptions } from '../../src/lib/options.js';
import { checkEvent, readRecord } from '../../src/lib/profile/events.js';
import { splitLine } from '../../src/trainer/csv.js';
import { InputError } from '../../src/trainer/data.js';
import { FORMATS, parseLog } from '../../src/trainer/parse.js';

// Property tests over hostile input: every input ends in a result or in the one clear error its API
// promises — never a crash of another kind, never a hang.
const RUNS = 500;
const line = fc.array(fc.oneof(fc.string(), fc.constantFrom('\t', ',', '"', '""', '\n', '\r\n', '1', '4.5', 'userId,movieId,rating,timestamp', 'SessionId\tItemId\tTime')), { maxLength: 30 }).map((parts) => parts.join(''));

test('the text log parsers return a log or an InputError naming file, line and column', () => {
  fc.assert(
    fc.property(line, fc.constantFrom(...FORMATS.filter((f) => f !== 'parquet')), fc.string(), (text, format, column) => {
      try {
        const log = parseLog(text, 'fuzz.log', { format, columns: { user: column, item: 'item', time: 'time' } });
        expect(log.events).toBeGreaterThan(0);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as Error).message).toMatch(/^fuzz\.log:\d+:\d+: /);
      }
    }),
    { numRuns: RUNS },
  );
});

test('splitLine splits or reports a quoting mistake', () => {
  fc.assert(
    fc.property(fc.string(), fc.constantFrom(',', '\t'), (text, delimiter) => {
      try {
        const { fields, columns } = splitLine(text, delimiter);
        expect(fields.length).toBe(columns.length);
      } catch (e) {
        expect(e).toBeInstanceOf(SyntaxError);
      }
    }),
    { numRuns: RUNS },
  );
});

test('imported vectors parse or fail with an InputError', () => {
  fc.assert(
    fc.property(line, (text) => {
      try {
        const r = parseEmbeddings(text, 'v.csv');
        expect(r.values.length).toBe(r.ids.length * r.dim);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
      }
    }),
    { numRuns: RUNS },
  );
});

test('track refuses anything malformed with a TypeError naming the field, and what it accepts reads back', () => {
  const event = fc.record(
    {
      type: fc.oneof(fc.constantFrom('view', 'click', 'add_to_cart', 'purchase', 'like', 'dislike', 'dismiss'), fc.anything()),
      item: fc.oneof(fc.string({ maxLength: 300 }), fc.anything()),
      list: fc.oneof(fc.stringMatching(/^[\w.:-]{0,70}$/), fc.anything()),
      time: fc.oneof(fc.double(), fc.anything()),
      dwell: fc.oneof(fc.nat(), fc.anything()),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.oneof(event, fc.anything()), (input) => {
      try {
        const e = checkEvent(input);
        expect(readRecord({ ...e, time: e.time ?? 1, session: 's' })).toBeDefined();
      } catch (err) {
        expect(err).toBeInstanceOf(TypeError);
        expect((err as Error).message).toMatch(/^vitrine\.track: /);
      }
    }),
    { numRuns: RUNS * 4 },
  );
});

test('a manifest from anywhere is validated, never trusted, never thrown over', () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), fc.jsonValue()), (json) => {
      const r = parseManifest(json);
      if (!r.ok) expect(r.error.message).toMatch(/^manifest\.json: /);
    }),
    { numRuns: RUNS * 2 },
  );
});

// A real manifest (the planted model's) with one field replaced by anything: every field the engine
// reads, the optional session, scoring and categories included, is either still valid or refused by name.
const PLANTED_MANIFEST = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/planted-model/manifest.json'), 'utf8'));
const FIELDS = ['format', 'formatVersion', 'dim', 'itemCount', 'items', 'files', 'weights', 'session', 'session.hidden', 'session.window', 'session.eventTypes', 'scoring', 'scoring.lstm', 'scoring.last', 'scoring.decay', 'scoring.repeat', 'scoring.repeatDecay', 'scoring.long', 'scoring.category', 'scoring.__proto__', 'categories'];

test('a manifest with one field changed is accepted only while that field is valid, else refused naming it', () => {
  fc.assert(
    fc.property(fc.constantFrom(...FIELDS), fc.oneof(fc.anything(), fc.jsonValue(), fc.double(), fc.integer()), (field, value) => {
      const m = structuredClone(PLANTED_MANIFEST);
      const [top, sub] = field.split('.');
      if (sub === undefined) m[top] = value;
      else Object.defineProperty(m[top], sub, { value, enumerable: true, configurable: true, writable: true });
      const r = parseManifest(m);
      if (!r.ok) {
        // The message names the field (dim and itemCount may be named through item_embeddings' expected shape).
        expect(r.error.message).toMatch(/^manifest\.json: /);
        expect(r.error.message).toContain(top === 'formatVersion' ? 'formatVersion' : top);
        return;
      }
      const v = r.value;
      const session = v.session as { hidden: unknown; window?: unknown; eventTypes?: unknown } | undefined;
      if (session !== undefined) {
        expect(Number.isInteger(session.hidden)).toBe(true);
        if (session.window !== undefined) expect(Number.isInteger(session.window)).toBe(true);
        if (session.eventTypes !== undefined) expect(Array.isArray(session.eventTypes)).toBe(true);
      }
      for (const w of Object.values((v.scoring ?? {}) as Record<string, unknown>)) expect(Number.isFinite(w)).toBe(true);
      if (v.categories !== undefined) expect((v.categories as unknown[]).every((c) => typeof c === 'string')).toBe(true);
    }),
    { numRuns: RUNS * 4 },
  );
});

test('options and rank arguments: accepted or a TypeError', () => {
  fc.assert(
    fc.property(fc.anything(), fc.anything(), (options, rankOptions) => {
      for (const f of [() => resolveOptions(options), () => checkRankArgs(['a'], rankOptions)]) {
        try {
          f();
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError);
        }
      }
    }),
    { numRuns: RUNS * 2 },
  );
});
