import { expect, test } from 'vitest';
import { itemNeighbours, popularity } from '../../src/trainer/baselines.js';
import { addLongTerm, blendScorer, caseSignals, categoryIndex, neighbourTable, tuneBlend, type ModelParts } from '../../src/trainer/blend.js';
import { sampleCases, type EncodedSet } from '../../src/trainer/data.js';
import { evaluate, type Scorer } from '../../src/trainer/evaluate.js';
import { foldInMatrix } from '../../src/trainer/profile-space.js';
import { seededRandom } from '../../src/trainer/random.js';
import { embeddingProduct } from '../../src/trainer/session-model.js';
import { startTraining } from '../../src/trainer/tf.js';

// A catalog of 400 items, sessions that walk small groups (so the neighbourhood means something), a
// "session model" whose scores are a fixed pseudo-random function of the case plus a pull to the target.
const n = 400;
const random = seededRandom(21);
const session = (): Int32Array => {
  const group = Math.floor(random() * 40);
  return Int32Array.from({ length: 2 + Math.floor(random() * 8) }, () => (random() < 0.7 ? group * 10 + Math.floor(random() * 10) : Math.floor(random() * n)));
};
const set = (count: number): EncodedSet => {
  const seqs = Array.from({ length: count }, session);
  return { seqs, types: seqs.map((s) => new Uint8Array(s.length).fill(1)), start: seqs.map(() => 1) };
};
const train = set(800);
const valid = set(300);
const pop = popularity(train, n);
const nb = itemNeighbours(train, n, pop, 30);
const lstm: Scorer = {
  name: 'lstm',
  forEachCase(s, visit) {
    const out = new Float32Array(n);
    s.seqs.forEach((seq, k) => {
      for (let i = Math.max(1, s.start[k]); i < seq.length; i++) {
        const r = seededRandom(seq[i - 1] * 7919 + i);
        for (let j = 0; j < n; j++) out[j] = Math.log(r()) - 3 * r();
        out[seq[i]] += 2 * r();
        visit(k, i, out);
      }
    });
  },
};
const d = 8;
const E = Float32Array.from({ length: n * d }, () => random() - 0.5);
const longTerm = { E, M: foldInMatrix(E, n, d), d };
const cats = categoryIndex(Array.from({ length: n }, (_, j) => [`g${Math.floor(j / 10) % 7}`, ...(j % 3 ? [] : ['sale'])]));
const types = { eventTypes: ['view', 'click', 'add_to_cart', 'purchase'], trainedTypes: ['click'], window: 20 };
const parts: ModelParts = { n, neighbours: neighbourTable(nb, 30), long: longTerm, categories: cats, session: types };
const bare: ModelParts = { n, neighbours: parts.neighbours, session: types };

test('the tuner\'s objective is the full-ranking evaluation of the blend it picks, on the cases it tuned on', async () => {
  const tuned = await tuneBlend(lstm, valid, parts, pop, 1000);
  // Stage 1, then the repeat bonus's weight × its own decay (one try without a bonus), then the extras.
  expect(tuned.tried).toBe(4 * 4 * 5 * 7 + (1 + 4 * 5) + 8 + 7);
  const sample = sampleCases(valid, 1000);
  const { at20, intent } = await evaluate(blendScorer('blend', lstm, parts, tuned.weights), sample, pop, undefined, cats.of);
  expect(tuned.objective).toBeCloseTo(at20.hitrate + at20.mrr, 6);
  // The intent share the tuner measured for its final pick is the evaluation's, exactly; and each stage's
  // pick is within one standard error of the best objective it saw.
  const last = tuned.choices.at(-1)!;
  expect(last.key).toBe('category');
  expect(intent!.cases).toBeGreaterThan(50);
  expect(last.intent).toBeCloseTo(intent!.at20, 9);
  for (const c of tuned.choices) expect(c.objective).toBeGreaterThanOrEqual(c.best.objective - c.best.se);
  // Something was learned: the pull to the target and the groups both count.
  expect(tuned.weights.lstm).toBeGreaterThan(0);
  expect(tuned.objective).toBeGreaterThan(0.3);
  // Both extras' stages chose a weight here, so their sparse scoring is part of what the evaluation checked.
  expect(tuned.weights.long).toBeGreaterThan(0);
  expect(tuned.weights.category).toBeGreaterThan(0);
});

test('each weighting tried is scored exactly: a blend the grid holds, evaluated densely, never beats the pick', async () => {
  const tuned = await tuneBlend(lstm, valid, bare, pop, 1000);
  const sample = sampleCases(valid, 1000);
  for (const w of [
    { lstm: 0, last: 1, decay: 0.5, repeat: 0 },
    { lstm: 1, last: 5, decay: 0.9, repeat: 2 },
    { lstm: 0.2, last: 3, decay: 0.7, repeat: 0.5 },
    { ...tuned.weights, repeat: 1, repeatDecay: 1 },
    { ...tuned.weights, repeat: 0.25, repeatDecay: 0.3 },
  ]) {
    const { at20 } = await evaluate(blendScorer('blend', lstm, bare, w), sample, pop);
    expect(at20.hitrate + at20.mrr).toBeLessThanOrEqual(tuned.objective + 1e-9);
  }
});

test('the long-term scores on tfjs are the plain loop\'s', async () => {
  await startTraining();
  const device = embeddingProduct(E, d);
  const signals = caseSignals(parts, { seqs: [Int32Array.from([3, 17, 250, 0])], types: [Uint8Array.from([1, 1, 1, 1])], start: [3] }, 0, 3);
  const [loop, product] = [new Float32Array(n), new Float32Array(n)];
  addLongTerm(longTerm, signals, 0.5, loop);
  addLongTerm({ ...longTerm, product: device.product }, signals, 0.5, product);
  device.dispose();
  product.forEach((x, j) => expect(x).toBeCloseTo(loop[j], 5));
  expect(Math.max(...loop.map(Math.abs))).toBeGreaterThan(0.01);
});

test('on users\' histories that never repeat an item, the tuner pushes chosen items down and lets the whole history vote, and its objective is the evaluation\'s', async () => {
  // Each user keeps to one group of 10 items across three sessions days apart, never choosing an item twice.
  const users = (count: number): EncodedSet => {
    const seqs: Int32Array[] = [];
    const times: Float64Array[] = [];
    for (let u = 0; u < count; u++) {
      const group = Math.floor(random() * 40);
      const items = Array.from({ length: 10 }, (_, j) => group * 10 + j).sort(() => random() - 0.5).slice(0, 6 + Math.floor(random() * 4));
      seqs.push(Int32Array.from(items));
      times.push(Float64Array.from(items, (_, k) => Math.floor(k / 3) * 3 * 86_400 + (k % 3) * 60));
    }
    return { seqs, times, types: seqs.map((s) => new Uint8Array(s.length).fill(1)), start: seqs.map(() => 1) };
  };
  const valid = users(300);
  const tuned = await tuneBlend(lstm, valid, bare, pop, 1000);
  expect(tuned.choices.map((c) => c.key)).toEqual(['seen', 'history']);
  expect(tuned.weights.seen).toBeLessThan(0);
  expect(tuned.weights.history).toBeGreaterThan(0);
  const { at20 } = await evaluate(blendScorer('blend', lstm, bare, tuned.weights), sampleCases(valid, 1000), pop);
  expect(tuned.objective).toBeCloseTo(at20.hitrate + at20.mrr, 6);
  // Half-lives tried on a users' log: the pick is the best of the runs with each alone, and its objective
  // is the evaluation's with that half-life.
  const fixedRuns = await Promise.all([0.5, 14].map((days) => tuneBlend(lstm, valid, bare, pop, 1000, [days])));
  const both = await tuneBlend(lstm, valid, bare, pop, 1000, [0.5, 14]);
  expect(fixedRuns.map((r) => r.weights.halfLife)).toEqual([0.5, 14]);
  expect(fixedRuns[0].objective).not.toBeCloseTo(fixedRuns[1].objective, 6);
  expect(both.objective).toBeCloseTo(Math.max(...fixedRuns.map((r) => r.objective)), 9);
  const picked = await evaluate(blendScorer('blend', lstm, { ...bare, halfLife: both.weights.halfLife }, both.weights), sampleCases(valid, 1000), pop);
  expect(both.objective).toBeCloseTo(picked.at20.hitrate + picked.at20.mrr, 6);
  // A session log (no times): those stages are not run, and the weights stay off.
  const sessions = await tuneBlend(lstm, set(300), bare, pop, 1000);
  expect(sessions.choices.map((c) => c.key)).toEqual([]);
  expect([sessions.weights.seen, sessions.weights.history]).toEqual([undefined, undefined]);
}, 60_000);

test('a history\'s negative feedback is read up to the case, and the tuner weighs the dislikes of categories when they tell', async () => {
  // Each user avoids one category of the 7 (g0..g6), and says so: a dislike of one of its items every few events.
  const users = (count: number): EncodedSet => {
    const out: EncodedSet = { seqs: [], times: [], types: [], start: [], negatives: [] };
    for (let u = 0; u < count; u++) {
      const avoided = Math.floor(random() * 7);
      const pick = (avoid: boolean) => {
        for (;;) {
          const j = Math.floor(random() * n);
          if ((Math.floor(j / 10) % 7 === avoided) === avoid) return j;
        }
      };
      const items = Int32Array.from({ length: 6 + Math.floor(random() * 4) }, () => pick(false));
      out.seqs.push(items);
      // Sessions of three, a minute between events, a day apart; a dislike comes just before each session.
      out.times!.push(Float64Array.from(items, (_, k) => Math.floor(k / 3) * 86_400 + (k % 3) * 60));
      out.types.push(new Uint8Array(items.length).fill(1));
      out.start.push(1);
      const at = [0, 3, 6];
      out.negatives!.push({ items: at.map(() => pick(true)), times: at.map((k) => (k / 3) * 86_400 - 60), at });
    }
    return out;
  };
  const valid = users(300);
  // Case 3 of a user reads the dislikes given before its event 3 (at 0 and 3), never the later one.
  const signals = caseSignals(parts, valid, 0, 3);
  expect(signals.against).toEqual(valid.negatives![0]!.items.slice(0, 2));
  expect([...signals.negative.keys()].sort()).toEqual(valid.negatives![0]!.items.slice(0, 2).sort());
  expect([...signals.chosen]).toEqual([...new Set(valid.seqs[0].subarray(0, 3))]);

  const tuned = await tuneBlend(lstm, valid, parts, pop, 1000, [1, 14, 365]);
  expect(tuned.choices.map((c) => c.key).slice(0, 5)).toEqual(['seen', 'history', 'long', 'category', 'dislike']);
  // Every pick, the half-life's included, is within one standard error of the best the tuner saw.
  for (const c of tuned.choices) expect(c.objective).toBeGreaterThanOrEqual(c.best.objective - c.best.se);
  expect(tuned.weights.dislike).toBeGreaterThan(0);
  const sample = sampleCases(valid, 1000);
  const score = async (w: typeof tuned.weights) => {
    const { at20 } = await evaluate(blendScorer('blend', lstm, parts, w), sample, pop);
    return at20.hitrate + at20.mrr;
  };
  // The tuner's objective is the evaluation's, the dislikes read in both, after every stage (the later
  // stages' terms off); without the weight it is worse.
  expect(tuned.objective).toBeCloseTo(await score(tuned.weights), 6);
  for (const [k, c] of tuned.choices.filter((c) => c.key !== 'halfLife').entries()) {
    const later = Object.fromEntries(tuned.choices.slice(k + 1).map((l) => [l.key, 0]));
    expect(c.objective).toBeCloseTo(await score({ ...tuned.weights, ...later }), 6);
  }
  expect(await score({ ...tuned.weights, dislike: 0 })).toBeLessThan(tuned.objective);
}, 60_000);

test('where the histories hold other event types, their long-term weights are tuned, and the pick is what the evaluation reads', async () => {
  // Each user's add-to-carts keep to one group of items; their clicks and views are anywhere. The cart says
  // more than a click here, so its weight should rise above the default 2.
  const [VIEW, CLICK, CART] = [0, 1, 2];
  const out: EncodedSet = { seqs: [], times: [], types: [], start: [] };
  for (let u = 0; u < 300; u++) {
    const group = Math.floor(random() * 40);
    const items: number[] = [];
    const types: number[] = [];
    for (let k = 0; k < 12; k++) {
      const type = [CLICK, CART, VIEW][k % 3];
      items.push(type === CART ? group * 10 + Math.floor(random() * 10) : Math.floor(random() * n));
      types.push(type);
    }
    out.seqs.push(Int32Array.from(items));
    out.types.push(Uint8Array.from(types));
    out.times!.push(Float64Array.from(items, (_, k) => Math.floor(k / 3) * 86_400 + (k % 3) * 60));
    out.start.push(1);
  }
  const typed = { ...parts, session: { ...types, trainedTypes: ['view', 'click', 'add_to_cart'] } };
  const tuned = await tuneBlend(lstm, out, typed, pop, 1000, [14]);
  expect(tuned.weights.add_to_cart).toBeGreaterThan(2);
  expect(tuned.weights.purchase).toBeUndefined(); // none in the log: not tried
  const { at20 } = await evaluate(blendScorer('blend', lstm, typed, tuned.weights), sampleCases(out, 1000), pop);
  expect(tuned.objective).toBeCloseTo(at20.hitrate + at20.mrr, 6);
  const { at20: untuned } = await evaluate(blendScorer('blend', lstm, typed, { ...tuned.weights, add_to_cart: undefined, view: undefined }), sampleCases(out, 1000), pop);
  expect(untuned.hitrate + untuned.mrr).toBeLessThan(tuned.objective);
}, 60_000);
