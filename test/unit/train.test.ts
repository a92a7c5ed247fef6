import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fetchModel } from '../../src/lib/fetch-model.js';
import { disposeModel } from '../../src/lib/model.js';
import { loadModel, modelParts, type LoadedModel } from '../../src/trainer/model-io.js';
import { blendScorer } from '../../src/trainer/blend.js';
import { SessionModel } from '../../src/trainer/session-model.js';
import { plantedLog } from '../fixtures/planted.js';
import { PLANTED_HISTORIES, PLANTED_PAGE } from '../fixtures/planted-cases.js';
import { dirUrl, engineFor, fileFetch, rankWith } from './model-files.js';

/**
 * What the trainer's own code scores for the next item after `history` (all clicks): the blend it tuned
 * and evaluated, from the model as exported. The browser must give the same numbers.
 */
async function trainerScores(model: LoadedModel, history: string[], withLong = false): Promise<Map<string, number>> {
  const index = new Map(model.ids.map((id, i) => [id, i]));
  const rows = history.map((id) => index.get(id)).filter((r): r is number => r !== undefined);
  const set = { seqs: [Int32Array.from([...rows, 0])], types: [new Uint8Array(rows.length + 1).fill(1)], start: [rows.length] };
  const session = SessionModel.fromWeights(model.session!, model.session!.window);
  const out = new Map<string, number>();
  const blend = { ...model.blend!, long: withLong ? model.blend!.long : 0 };
  await blendScorer('model', session.scorer(), modelParts(model), blend).forEachCase(set, (_, __, scores) =>
    model.ids.forEach((id, i) => out.set(id, scores[i])),
  );
  session.dispose();
  return out;
}

// A real, small training run on a log with a planted structure (test/fixtures/planted.ts).
const FAST = ['--epochs', '4', '--dim', '16', '--hidden', '24', '--seed', '5', '--json'];
let dir: string;
let first: { code: number; json: any };

async function trainOnce(out: string) {
  const lines: string[] = [];
  const code = await main(['train', '--events', join(dir, 'log.tsv'), '--format', 'rsc15', '--out', out, ...FAST], (l) => lines.push(l));
  return { code, json: JSON.parse(lines.join('\n')) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vitrine-train-'));
  await writeFile(join(dir, 'log.tsv'), plantedLog(1200));
  first = await trainOnce(join(dir, 'model'));
}, 240_000);

describe('vitrine train on a planted structure', () => {
  test('prints one JSON object of the documented shape', () => {
    expect(first.code).toBe(0);
    const { k, cases, metrics, at10, train } = first.json;
    expect(k).toBe(20);
    expect(cases).toBeGreaterThan(300);
    for (const name of ['model', 'pop', 'spop', 'itemknn', 'bprmf']) {
      for (const at of [metrics, at10]) {
        for (const f of ['hitrate', 'mrr', 'ndcg', 'precision', 'recall', 'f1']) {
          expect(at[name][f], `${name}.${f}`).toBeGreaterThanOrEqual(0);
          expect(at[name][f], `${name}.${f}`).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(train).toEqual({ seconds: expect.any(Number), epochs: expect.any(Number), clicks_per_second: expect.any(Number), peak_rss_mb: expect.any(Number), dislikes: 0, softmax: 'full', validation_cases: expect.any(Number), evaluation_threads: 1, stages: expect.any(Object), blend: expect.any(Object), choices: expect.any(Array), neighbours: expect.any(Object) });
    // Beyond accuracy: each ranking's popularity bias; no intent share without item categories.
    for (const name of ['model', 'pop', 'itemknn']) expect(first.json.popularity[name]).toBeGreaterThanOrEqual(0);
    expect(first.json.popularity.pop).toBeGreaterThan(first.json.popularity.model);
    expect(first.json.intent).toBeUndefined();
    expect(Object.keys(train.stages)).toEqual(expect.arrayContaining(['reading the log', 'tuning the blend on validation', 'evaluating 8 rankings on the test set']));
  });

  test('validation chose how the neighbours weigh a pair\'s sessions: the weighting with the higher objective', () => {
    const { weighting, objective } = first.json.train.neighbours;
    expect(Object.keys(objective)).toEqual(['count', 'distance']);
    for (const w of ['count', 'distance']) expect(objective[w]).toBeGreaterThan(0);
    expect(objective[weighting]).toBe(Math.max(objective.count, objective.distance));
  });

  test('the model finds the successor that popularity cannot', () => {
    const { at10 } = first.json;
    // The successor follows 90% of the time; POP's top 10 of 60 items holds it by chance only.
    expect(at10.model.mrr).toBeGreaterThan(0.6);
    expect(at10.lstm.hitrate).toBeGreaterThan(0.6);
    expect(at10.pop.hitrate).toBeLessThan(0.35);
    expect(at10.model.hitrate).toBeGreaterThan(at10.pop.hitrate + 0.4);
  });

  test('the 8-bit export costs (almost) nothing', () => {
    const { metrics } = first.json;
    expect(Math.abs(metrics.float32.hitrate - metrics.model.hitrate)).toBeLessThan(0.01);
  });

  test('recommend on a device holding the popular file: here it holds the whole catalog, so it finds the exact top 20', () => {
    const { recommend, metrics } = first.json;
    expect(recommend).toEqual({ pool: 60, recall: 1, hitrate: metrics.model.hitrate });
  });

  test('the same command and seed give the same metrics', async () => {
    const again = await trainOnce(join(dir, 'model-again'));
    expect(again.json.metrics).toEqual(first.json.metrics);
    expect(again.json.at10).toEqual(first.json.at10);
  }, 240_000);

  test('the bundled CLI evaluates on two threads (a worker takes the rankings of the model directory but the LSTM alone), with the figures of one', async () => {
    const cli = join(import.meta.dirname, '../../packages/cli/cli.js');
    expect(existsSync(cli), 'packages/cli/cli.js is missing: run `npm run build` first').toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'train', '--events', join(dir, 'log.tsv'), '--format', 'rsc15', '--out', join(dir, 'model-threads'), ...FAST, '--threads', '2'], { maxBuffer: 1 << 26 });
    const json = JSON.parse(stdout);
    expect(Object.keys(json.train.stages)).toContain('evaluating 8 rankings on the test set (2 threads)');
    expect(Object.keys(first.json.train.stages)).toContain('evaluating 8 rankings on the test set'); // the sources run one
    expect(Object.keys(json.metrics)).toEqual(Object.keys(first.json.metrics));
    expect(json.metrics).toEqual(first.json.metrics);
    expect(json.popularity).toEqual(first.json.popularity);
    expect(json.recommend).toEqual(first.json.recommend);
  }, 240_000);

  test('the model directory verifies, and the browser loader ranks as Node does', async () => {
    const lines: string[] = [];
    expect(await main(['inspect', join(dir, 'model')], (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(/lstm_kernel \[40×96\] uint8/);
    expect(lines.join('\n')).toMatch(/rows-[0-9a-f]{16}\.bin .* sha256 ok/);

    const { model } = await loadModel(join(dir, 'model'));
    const fetched = await fetchModel(dirUrl(join(dir, 'model')), { timeoutMs: 5000, fetch: fileFetch });
    if (!fetched.ok) throw new Error(fetched.error.message);
    const engine = await engineFor(fetched.value, { long: 0, page: 0 });
    const page = model.ids.slice(0, 30);
    // Rows come page by page: the visitor met the history's items on a page before (the browser keeps their rows).
    const met = model.ids;
    await rankWith(engine, met, []);
    for (const history of [['item-3'], ['item-11', 'item-12'], ['item-40', 'item-41', 'item-42', 'item-43']]) {
      const expected = await trainerScores(model, history);
      const got = await rankWith(engine, page, history);
      // Up to the session model's softmax normaliser, which is the same for every item (the engine leaves it out).
      const [ref, base] = [got[0].score, expected.get(got[0].id)!];
      for (const r of got) expect(r.score - ref, `${r.id} after ${history}`).toBeCloseTo(expected.get(r.id)! - base, 4);
    }
    engine.dispose();
    disposeModel(engine.model);
    // With the long-term profile too, for a history thick enough not to borrow from a prototype.
    const withLong = await engineFor(fetched.value, { long: 0.3, page: 0 });
    await rankWith(withLong, met, []);
    const history = ['item-40', 'item-41', 'item-42', 'item-43'];
    const expected = await trainerScores({ ...model, blend: { ...model.blend!, long: 0.3 } }, history, true);
    const got = await rankWith(withLong, page, history);
    for (const r of got) expect(r.score - got[0].score, r.id).toBeCloseTo(expected.get(r.id)! - expected.get(got[0].id)!, 3);
    withLong.dispose();
    disposeModel(withLong.model);
  });

  test('a report with the training curve and the table is written', async () => {
    // Beside the model directory, not in it: a model folder is deployed as it is.
    const html = await readFile(join(dir, 'model.report.html'), 'utf8');
    expect(html).toContain('<meta name="generator" content="vitrine">');
    expect(html).toContain('<svg');
    expect(html).toContain('validation HitRate@20');
    expect(html).toMatch(/<th>BPR-MF<\/th>/);
  });
});

test('bad input exits 2 with the file, line and what was expected, and writes nothing', async () => {
  const bad = await mkdtemp(join(tmpdir(), 'vitrine-bad-'));
  await writeFile(join(bad, 'log.tsv'), 'SessionId\tItemId\tTime\n1\ta\t5\n2\tb\tsoon\n');
  const errors: string[] = [];
  const original = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    const code = await main(['train', '--events', join(bad, 'log.tsv'), '--format', 'rsc15', '--out', join(bad, 'model')], () => {});
    expect(code).toBe(2);
    expect(errors.join('\n')).toMatch(/log\.tsv:3:5: expected a unix time \(a number\), got "soon"/);
    await expect(readFile(join(bad, 'model', 'manifest.json'))).rejects.toThrow();
    expect(await main(['train', '--events', join(bad, 'log.tsv'), '--format', 'excel', '--out', join(bad, 'model')], () => {})).toBe(2);
    expect(errors.join('\n')).toMatch(/--format must be one of movielens, rsc15, sessions, csv, parquet, got "excel"/);
  } finally {
    console.error = original;
  }
});

// The committed trained model the browser tests rank with, and the scores Node computes for it.
const PLANTED_MODEL = join(import.meta.dirname, '../fixtures/planted-model');

test('the committed planted model ranks in Node as its expected.json says', async () => {
  if (process.env.UPDATE_FIXTURES) {
    await rm(PLANTED_MODEL, { recursive: true, force: true });
    await cp(join(dir, 'model'), PLANTED_MODEL, { recursive: true });
  }
  const { model } = await loadModel(PLANTED_MODEL);
  const expected: { id: string; score: number }[][] = [];
  for (const history of PLANTED_HISTORIES) {
    const scores = await trainerScores(model, history);
    expected.push(PLANTED_PAGE.map((id) => ({ id, score: history.some((h) => scores.has(h)) ? scores.get(id)! : 0 })).sort((a, b) => b.score - a.score));
  }
  const file = join(PLANTED_MODEL, '..', 'planted-expected.json');
  if (process.env.UPDATE_FIXTURES) await writeFile(file, `${JSON.stringify(expected, null, 1)}\n`);
  const committed = JSON.parse(await readFile(file, 'utf8'));
  committed.forEach((ranked: { id: string; score: number }[], h: number) => {
    expect(ranked.map((r) => r.id)).toEqual(expected[h].map((r) => r.id));
    ranked.forEach((r, i) => expect(r.score).toBeCloseTo(expected[h][i].score, 5));
  });
});

describe('vitrine eval', () => {
  test('scores the trained model on a fresh log from the same structure', async () => {
    await writeFile(join(dir, 'fresh.tsv'), plantedLog(200, 99));
    const lines: string[] = [];
    const code = await main(['eval', '--model', join(dir, 'model'), '--events', join(dir, 'fresh.tsv'), '--format', 'rsc15', '--json'], (l) => lines.push(l));
    expect(code).toBe(0);
    const { cases, metrics, at10 } = JSON.parse(lines.join('\n'));
    expect(cases).toBeGreaterThan(500);
    expect(at10.model.hitrate).toBeGreaterThan(0.6);
    expect(metrics.pop.hitrate).toBeLessThan(0.5);
    expect(Object.keys(metrics)).toEqual(['model', 'lstm', 'neighbourhood', 'pop', 'spop', 'itemknn']);
  });
});

describe('vitrine import', () => {
  test('builds a model the browser loader reads, from CSV and from Spark ALS JSON lines', async () => {
    await writeFile(join(dir, 'vectors.csv'), 'id,f1,f2\nsku-1,1,0\nsku-2,0.8,0.2\nsku-3,0,1\n');
    await writeFile(join(dir, 'factors.json'), '{"id":1,"features":[1,0]}\n{"id":2,"features":[0.8,0.2]}\n{"id":3,"features":[0,1]}\n');
    for (const [file, ids] of [['vectors.csv', ['sku-1', 'sku-2', 'sku-3']], ['factors.json', ['1', '2', '3']]] as const) {
      const out = join(dir, `imported-${file}`);
      expect(await main(['import', '--embeddings', join(dir, file), '--out', out], () => {})).toBe(0);
      const fetched = await fetchModel(dirUrl(out), { timeoutMs: 5000, fetch: fileFetch });
      if (!fetched.ok) throw new Error(fetched.error.message);
      const engine = await engineFor(fetched.value);
      const ranked = await rankWith(engine, [ids[2], ids[1], ids[0]], [ids[0]]);
      expect(ranked.map((r) => r.id)).toEqual([ids[0], ids[1], ids[2]]);
      engine.dispose();
    disposeModel(engine.model);
    }
  });

  test('names the line and what was expected in a bad vectors file', async () => {
    const { parseEmbeddings } = await import('../../src/cli/import.js');
    expect(() => parseEmbeddings('a,1,2\nb,1\n', 'v.csv')).toThrow('v.csv:2:1: expected 2 components as on the first line, got 1');
    expect(() => parseEmbeddings('a,1,x\n', 'v.csv')).toThrow('v.csv:1:5: expected a number, got "x"');
    expect(() => parseEmbeddings('{"id":1,"features":[1,"a"]}\n', 'f.json')).toThrow('f.json:1:1: features[1] is "a", expected a finite number');
    expect(() => parseEmbeddings('a,1\na,2\n', 'v.csv')).toThrow('v.csv:2:1: item "a" already has a vector on line 1');
  });
});

test('an item of --test that training never saw is an error naming the file and the item', async () => {
  const bad = await mkdtemp(join(tmpdir(), 'vitrine-test-'));
  await writeFile(join(bad, 'train.tsv'), plantedLog(200));
  await writeFile(join(bad, 'test.tsv'), 'SessionId\tItemId\tTime\n1\titem-1\t5\n1\titem-999\t6\n');
  const errors: string[] = [];
  const original = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    const args = ['train', '--events', join(bad, 'train.tsv'), '--test', join(bad, 'test.tsv'), '--format', 'rsc15', '--out', join(bad, 'model')];
    expect(await main(args, () => {})).toBe(2);
    expect(errors.join('\n')).toMatch(/test\.tsv:3:1: item "item-999" \(in session "1"\) does not occur in the training log/);
  } finally {
    console.error = original;
  }
});

describe('the sampled softmax', () => {
  test('draws negatives by popularity^0.75, with replacement, and knows their expected counts (logQ)', async () => {
    const { NegativeSampler, SAMPLING_POWER } = await import('../../src/trainer/session-model.js');
    const counts = [1000, 100, 10, 0];
    const sampler = new NegativeSampler(counts, 3);
    const { seededRandom } = await import('../../src/trainer/random.js');
    const random = seededRandom(3);
    expect(sampler.negatives(random)).toHaveLength(3);
    const drawn = new Float64Array(4);
    for (let i = 0; i < 100_000; i++) drawn[sampler.draw(random)]++;
    const weight = counts.map((c) => (c + 1) ** SAMPLING_POWER);
    const total = weight.reduce((a, b) => a + b, 0);
    weight.forEach((w, i) => expect(drawn[i] / 100_000).toBeCloseTo(w / total, 2));
    weight.forEach((w, i) => expect(Math.exp(sampler.logQ[i])).toBeCloseTo((3 * w) / total, 5));
  });

  test('a model trained with it finds the planted successor, as the full softmax does', async () => {
    const lines: string[] = [];
    const code = await main(['train', '--events', join(dir, 'log.tsv'), '--format', 'rsc15', '--out', join(dir, 'model-sampled'), ...FAST, '--softmax', 'sampled', '--negatives', '16'], (l) => lines.push(l));
    expect(code).toBe(0);
    const { at10, train } = JSON.parse(lines.join('\n'));
    expect(train.softmax).toBe('sampled');
    expect(at10.lstm.hitrate).toBeGreaterThan(0.6);
    expect(at10.lstm.hitrate).toBeGreaterThan(first.json.at10.lstm.hitrate - 0.1);
    expect(at10.pop.hitrate).toBeLessThan(0.35);
  }, 240_000);
});

test('--max-clicks and --since train on the recent part of the log, --eval-cases caps the test; a bad --since is named', async () => {
  const run = async (...extra: string[]) => {
    const lines: string[] = [];
    const out = await mkdtemp(join(tmpdir(), 'vitrine-recent-'));
    const code = await main(['train', '--events', join(dir, 'log.tsv'), '--format', 'rsc15', '--out', join(out, 'model'), ...FAST, '--epochs', '1', ...extra], (l) => lines.push(l));
    return { code, json: code === 0 ? JSON.parse(lines.join('\n')) : undefined, manifest: code === 0 ? JSON.parse(await readFile(join(out, 'model', 'manifest.json'), 'utf8')) : undefined };
  };
  const recent = await run('--max-clicks', '3000');
  expect(recent.code).toBe(0);
  expect(recent.manifest.training.interactions).toBe(3000);
  // --eval-cases: every k-th test case, at most that many.
  const sampled = await run('--eval-cases', '50');
  expect(sampled.json.cases).toBeLessThanOrEqual(50);
  expect(sampled.json.cases).toBeGreaterThan(25);
  // The planted log has one session a minute from 1,700,000,000: the last 200 sessions start 200 minutes before its end.
  const since = await run('--since', String(1_700_000_000 + 1000 * 60));
  expect(since.code).toBe(0);
  const whole = plantedLog(1200).trimEnd().split('\n').slice(1);
  expect(since.manifest.training.interactions).toBe(whole.filter((l) => Number(l.split('\t')[2]) >= 1_700_000_000 + 1000 * 60).length);

  const errors: string[] = [];
  const original = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    expect((await run('--since', 'last tuesday')).code).toBe(2);
    expect(errors.join('\n')).toMatch(/--since must be a time \(unix seconds or an ISO date such as 2024-05-01\), got "last tuesday"/);
    expect((await run('--max-clicks', '0')).code).toBe(2);
    expect(errors.join('\n')).toMatch(/--max-clicks must be a whole number of at least 1, got "0"/);
  } finally {
    console.error = original;
  }
}, 240_000);

test('on a users\' log the half-life is tuned on validation unless --half-life-days fixes it, and the thin-history prototype is measured', async () => {
  // 300 users, each keeping to one group of 10 items over three sessions days apart.
  let seed = 3;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const rows = ['user,item,time'];
  for (let u = 0; u < 300; u++) {
    const group = Math.floor(random() * 40);
    for (let s = 0; s < 3; s++) {
      for (let k = 0; k < 3; k++) rows.push(`u${u},g${group}-${Math.floor(random() * 10)},${1_700_000_000 + u * 600 + s * 3 * 86_400 + k * 60}`);
    }
  }
  const events = join(dir, 'users.csv');
  await writeFile(events, `${rows.join('\n')}\n`);
  const run = async (...extra: string[]) => {
    const lines: string[] = [];
    const out = await mkdtemp(join(tmpdir(), 'vitrine-users-'));
    const code = await main(['train', '--events', events, '--format', 'csv', '--user', 'user', '--item', 'item', '--time', 'time', '--out', join(out, 'model'), ...FAST, '--epochs', '1', ...extra], (l) => lines.push(l));
    expect(code).toBe(0);
    return { json: JSON.parse(lines.join('\n')), manifest: JSON.parse(await readFile(join(out, 'model', 'manifest.json'), 'utf8')) };
  };
  const tuned = await run();
  // (Ties go to the first tried, 1 day; a run that tried nothing would keep 14.)
  expect([1, 3, 7, 30, 365]).toContain(tuned.json.train.blend.halfLife);
  expect(tuned.manifest.scoring.halfLife).toBe(tuned.json.train.blend.halfLife);
  // The blend as evaluated reads histories with that half-life; without the prototype it is measured beside it.
  for (const name of ['model', 'longterm', 'noprototype']) expect(tuned.json.metrics[name].hitrate, name).toBeGreaterThan(0);
  expect(tuned.json.visitors.noprototype.returning.cases).toBe(tuned.json.visitors.model.returning.cases);
  const fixed = await run('--half-life-days', '5');
  expect([fixed.json.train.blend.halfLife, fixed.manifest.scoring.halfLife]).toEqual([5, 5]);
  // The bundled CLI's second thread ranks the long-term profile, item-kNN over the history and the blend
  // without the prototype: the same figures as one thread.
  const cli = join(import.meta.dirname, '../../packages/cli/cli.js');
  const args = ['train', '--events', events, '--format', 'csv', '--user', 'user', '--item', 'item', '--time', 'time', '--out', join(await mkdtemp(join(tmpdir(), 'vitrine-users-')), 'model'), ...FAST, '--epochs', '1', '--threads', '2'];
  const threaded = JSON.parse((await promisify(execFile)(process.execPath, [cli, ...args], { maxBuffer: 1 << 26 })).stdout);
  expect(Object.keys(threaded.train.stages)).toContain('evaluating 11 rankings on the test set (2 threads)');
  expect(threaded.metrics).toEqual(tuned.json.metrics);
  expect(threaded.visitors).toEqual(tuned.json.visitors);
}, 240_000);

test('dislikes in a users\' log reach the histories the blend is tuned and evaluated on, on one thread and two', async () => {
  // 40 groups of 10 items in 5 categories; each user keeps mostly to one group, never to the category it
  // avoids, and dislikes items of that category now and then.
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const rows = ['user,item,time,type'];
  const item = (g: number) => `g${g}-${Math.floor(random() * 10)}`;
  for (let u = 0; u < 300; u++) {
    const avoided = Math.floor(random() * 5);
    let group = Math.floor(random() * 40);
    while (group % 5 === avoided) group = Math.floor(random() * 40);
    const other = () => {
      for (;;) {
        const g = Math.floor(random() * 40);
        if (g % 5 !== avoided) return g;
      }
    };
    for (let k = 0; k < 12; k++) {
      const t = 1_700_000_000 + u * 600 + Math.floor(k / 3) * 86_400 + (k % 3) * 60;
      if (k % 3 === 0) rows.push(`u${u},${item(avoided + 5 * Math.floor(random() * 8))},${t - 30},dislike`);
      rows.push(`u${u},${item(random() < 0.6 ? group : other())},${t},click`);
    }
  }
  const out = await mkdtemp(join(tmpdir(), 'vitrine-dislikes-'));
  await writeFile(join(out, 'events.csv'), `${rows.join('\n')}\n`);
  await writeFile(join(out, 'clicks.csv'), `${rows.filter((r) => !r.endsWith(',dislike')).join('\n')}\n`);
  const items = ['itemId,title,genres'];
  for (let g = 0; g < 40; g++) for (let k = 0; k < 10; k++) items.push(`g${g}-${k},item ${g}-${k},c${g % 5}`);
  await writeFile(join(out, 'items.csv'), `${items.join('\n')}\n`);
  const args = (threads: string, name: string, log = 'events.csv') => ['train', '--events', join(out, log), '--items', join(out, 'items.csv'), '--format', 'csv', '--user', 'user', '--item', 'item', '--time', 'time', '--type', 'type', '--out', join(out, name), ...FAST, '--epochs', '1', '--half-life-days', '14', '--threads', threads];
  const run = async (name: string, log?: string) => {
    const lines: string[] = [];
    expect(await main(args('1', name, log), (l) => lines.push(l))).toBe(0);
    return JSON.parse(lines.join('\n'));
  };
  const json = await run('one');
  expect(json.train.dislikes).toBe(1200);
  // The tuner tried the dislike weight (its pick is in the blend and the manifest).
  expect(json.train.blend.dislike).toEqual(expect.any(Number));
  // The dislikes stay out of what the models learn from (the LSTM alone scores alike without them) and
  // reach the histories the blend ranks with (it does not).
  const clicks = await run('clicks', 'clicks.csv');
  expect(clicks.train.dislikes).toBe(0);
  expect(clicks.train.blend.dislike).toBeUndefined();
  expect(json.metrics.lstm).toEqual(clicks.metrics.lstm);
  expect(json.metrics.model).not.toEqual(clicks.metrics.model);
  const manifest = JSON.parse(await readFile(join(out, 'one', 'manifest.json'), 'utf8'));
  expect(manifest.scoring.dislike).toBe(json.train.blend.dislike);
  // vitrine eval reads them too: on the model just trained, the log with its dislikes ranks otherwise
  // than the same log without them, and the LSTM alone alike.
  const evaluate = async (log: string) => {
    const out2: string[] = [];
    expect(await main(['eval', '--model', join(out, 'one'), '--events', join(out, log), '--format', 'csv', '--user', 'user', '--item', 'item', '--time', 'time', '--type', 'type', '--json'], (l) => out2.push(l))).toBe(0);
    return JSON.parse(out2.join('\n'));
  };
  const [withDislikes, withoutDislikes] = [await evaluate('events.csv'), await evaluate('clicks.csv')];
  expect(withDislikes.metrics.lstm).toEqual(withoutDislikes.metrics.lstm);
  expect(withDislikes.metrics.model).not.toEqual(withoutDislikes.metrics.model);
  // The bundled CLI's second thread reads the same histories, dislikes and all.
  const cli = join(import.meta.dirname, '../../packages/cli/cli.js');
  const threaded = JSON.parse((await promisify(execFile)(process.execPath, [cli, ...args('2', 'two')], { maxBuffer: 1 << 26 })).stdout);
  expect(threaded.metrics).toEqual(json.metrics);
  expect(threaded.visitors).toEqual(json.visitors);
  // A MovieLens rating cannot be liked and disliked.
  const errors: string[] = [];
  const original = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    expect(await main(['train', '--events', join(out, 'events.csv'), '--format', 'movielens', '--min-rating', '3', '--dislike-rating', '3', '--out', join(out, 'bad')], () => {})).toBe(2);
  } finally {
    console.error = original;
  }
  expect(errors.join('\n')).toMatch(/--dislike-rating must be below --min-rating \(3\), got "3"/);
}, 240_000);

test("early stopping's validation sample: 20,000 cases up to 250,000 items, then a fixed budget of item scores", async () => {
  const { validationCases } = await import('../../src/cli/train.js');
  // tmall-sessions (40,727 items) and rsc15-sample keep the 20,000 cases they always had.
  expect(validationCases(40_727)).toBe(20_000);
  expect(validationCases(250_000)).toBe(20_000);
  expect(validationCases(1_000_000)).toBe(5_000);
  expect(validationCases(10_000_000)).toBe(2_000);
});

test('the evaluation runs on two threads by default only where two cores and at most 250,000 items', async () => {
  const { defaultThreads } = await import('../../src/cli/train.js');
  expect(defaultThreads(40_727, 2)).toBe(2);
  expect(defaultThreads(250_000, 8)).toBe(2);
  expect(defaultThreads(250_001, 2)).toBe(1);
  expect(defaultThreads(40_727, 1)).toBe(1);
});
