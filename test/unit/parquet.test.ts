import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { expect, test } from 'vitest';
import { parseLog, readLog } from '../../src/trainer/parse.js';

// A shop's export: visitor (string), sku (INT64), ts (a TIMESTAMP), what (string), in row groups of 500.
const rows = 2000;
const visitors = Array.from({ length: rows }, (_, r) => `v${(r * 7) % 300}`);
const skus = Array.from({ length: rows }, (_, r) => BigInt(1000 + ((r * 13) % 97)));
const times = Array.from({ length: rows }, (_, r) => new Date(Date.UTC(2024, 4, 1) + ((r * 7919) % rows) * 60_000));
const types = Array.from({ length: rows }, (_, r) => ['view', 'click', 'add_to_cart', 'purchase'][r % 4]);
const columns = { user: 'visitor', item: 'sku', time: 'ts', type: 'what' };

async function exportFile(codec: 'SNAPPY' | 'UNCOMPRESSED', what = types) {
  const file = join(await mkdtemp(join(tmpdir(), 'vitrine-parquet-')), 'events.parquet');
  parquetWriteFile({
    filename: file,
    codec,
    rowGroupSize: 500,
    columnData: [
      { name: 'visitor', data: visitors, type: 'STRING' },
      { name: 'sku', data: skus, type: 'INT64' },
      { name: 'ts', data: times, type: 'TIMESTAMP' },
      { name: 'what', data: what, type: 'STRING' },
    ],
  });
  return file;
}

test('a Parquet export reads as the same log as its CSV, across row groups and codecs', async () => {
  const csv = ['visitor,sku,ts,what', ...visitors.map((v, r) => `${v},${skus[r]},${times[r].toISOString()},${types[r]}`)].join('\n');
  const expected = parseLog(csv, 'events.csv', { format: 'csv', columns });
  for (const codec of ['SNAPPY', 'UNCOMPRESSED'] as const) {
    const log = await readLog(await exportFile(codec), { format: 'parquet', columns });
    expect(log.kind).toBe('users');
    expect(log.events).toBe(rows);
    expect(log.sequences.map((s) => [s.key, s.items, s.times, s.types])).toEqual(expected.sequences.map((s) => [s.key, s.items, s.times, s.types]));
  }
  // --max-clicks on a Parquet log: the latest rows by time.
  const recent = await readLog(await exportFile('SNAPPY'), { format: 'parquet', columns, maxClicks: 100 });
  expect(recent.events).toBe(100);
});

test('a bad Parquet log is named: a missing column, a bad value with its row, a file that is not Parquet', async () => {
  const file = await exportFile('SNAPPY');
  await expect(readLog(file, { format: 'parquet', columns: { ...columns, item: 'product' } })).rejects.toThrow(
    /events\.parquet: --item names column "product", but the file has "visitor", "sku", "ts", "what"/,
  );
  const bad = await exportFile('SNAPPY', types.map((t, r) => (r === 1234 ? 'wishlist' : t)));
  await expect(readLog(bad, { format: 'parquet', columns })).rejects.toThrow(/events\.parquet:1235: column "what": expected an event type \(view, click, add_to_cart, purchase, dislike, dismiss\), got "wishlist"/);
  const text = join(await mkdtemp(join(tmpdir(), 'vitrine-parquet-')), 'events.parquet');
  await writeFile(text, 'visitor,sku\nv1,1\n');
  await expect(readLog(text, { format: 'parquet', columns })).rejects.toThrow(/events\.parquet: not a Parquet file/);
  await expect(readLog('/no/such/events.parquet', { format: 'parquet', columns })).rejects.toThrow(/^\/no\/such\/events\.parquet: no such file$/);
});
