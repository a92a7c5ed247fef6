import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { splitLine } from '../../src/trainer/csv.js';
import { parseLog, readItems, readLog } from '../../src/trainer/parse.js';

const parse = (text: string, options: Parameters<typeof parseLog>[2]) => parseLog(text, 'log.csv', options);

describe('splitLine', () => {
  test('honours quotes, doubled quotes and reports columns', () => {
    expect(splitLine('1,"Toy Story, The (1995)",Comedy', ',')).toEqual({ fields: ['1', 'Toy Story, The (1995)', 'Comedy'], columns: [1, 3, 27] });
    expect(splitLine('a,"say ""hi""",', ',').fields).toEqual(['a', 'say "hi"', '']);
    expect(() => splitLine('a,"open', ',')).toThrow('unterminated quote starting at column 3');
  });
});

describe('movielens', () => {
  test('keeps ratings >= min-rating, users in time order', () => {
    const log = parse('userId,movieId,rating,timestamp\n1,10,4.0,300\n1,11,5,100\n1,12,3.5,200\n2,10,4,50\n', { format: 'movielens' });
    expect(log.kind).toBe('users');
    expect(log.events).toBe(3);
    expect(log.sequences.map((s) => [s.key, s.items])).toEqual([['1', ['11', '10']], ['2', ['10']]]);
    expect(parse('userId,movieId,rating,timestamp\n1,12,3.5,200\n', { format: 'movielens', minRating: 3 }).events).toBe(1);
  });

  test('ratings <= dislike-rating are dislikes, kept apart with how many events came before each', () => {
    const text = 'userId,movieId,rating,timestamp\n1,10,4.0,300\n1,13,1.5,250\n1,11,5,100\n1,12,2,50\n1,14,3,60\n2,10,4,50\n3,12,1,10\n';
    const log = parse(text, { format: 'movielens' });
    expect(log.sequences.map((s) => [s.key, s.items])).toEqual([['1', ['11', '10']], ['2', ['10']]]);
    // 12 (rated 2) before any liked film, 13 (1.5) after 11; 14 (3) is neither; user 3 liked nothing, so has no sequence.
    expect(log.sequences[0].negatives).toEqual({ items: ['12', '13'], times: [50, 250], at: [0, 1] });
    expect(log.sequences[1].negatives).toBeUndefined();
    expect([log.events, log.negatives]).toEqual([3, 2]);
    expect(parse(text, { format: 'movielens', dislikeRating: 0 }).negatives).toBe(0);
    expect(() => parse('userId,movieId,rating,timestamp\n3,12,1,10\n', { format: 'movielens' })).toThrow(/no interactions found \(none rated 4 or more\)/);
  });

  test('reads the older tab-separated u.data', () => {
    const log = parse('196\t242\t4\t881250949\n186\t302\t3\t891717742\n', { format: 'movielens' });
    expect(log.sequences.map((s) => s.items)).toEqual([['242']]);
  });

  test.each([
    ['userId,movieId,stars,timestamp\n', /log\.csv:1:1: expected the header "userId,movieId,rating,timestamp"/],
    ['userId,movieId,rating,timestamp\n1,10,4.0\n', /log\.csv:2:1: expected 4 comma-separated fields .* got 3/],
    ['userId,movieId,rating,timestamp\n1,10,good,5\n', /log\.csv:2:6: expected a rating \(a number\), got "good"/],
    ['userId,movieId,rating,timestamp\n1,,4,5\n', /log\.csv:2:3: expected an item id, got an empty field/],
    ['userId,movieId,rating,timestamp\n1,10,2,5\n', /log\.csv:1:1: no interactions found \(none rated 4 or more\)/],
    ['', /no interactions found/],
  ])('refuses %j naming line and column', (text, message) => {
    expect(() => parse(text, { format: 'movielens' })).toThrow(message);
  });
});

describe('rsc15', () => {
  test('reads sessions', () => {
    const log = parse('SessionId\tItemId\tTime\n1\ta\t10.5\n1\tb\t11\n2\tc\t12\n', { format: 'rsc15' });
    expect(log.kind).toBe('sessions');
    expect(log.sequences.map((s) => s.items)).toEqual([['a', 'b'], ['c']]);
    expect(log.sequences[0].times).toEqual([10.5, 11]);
  });

  test.each([
    ['SessionId,ItemId,Time\n', /:1:1: expected the header "SessionId<TAB>ItemId<TAB>Time"/],
    ['SessionId\tItemId\tTime\n1\ta\n', /:2:1: expected 3 tab-separated fields/],
    ['SessionId\tItemId\tTime\n1\ta\tnoon\n', /:2:5: expected a unix time \(a number\), got "noon"/],
  ])('refuses %j', (text, message) => {
    expect(() => parse(text, { format: 'rsc15' })).toThrow(message);
  });
});

test('sessions: one per line, in order', () => {
  const log = parse('a b c\n\nc d\n', { format: 'sessions' });
  expect(log.sequences.map((s) => s.items)).toEqual([['a', 'b', 'c'], ['c', 'd']]);
});

describe('csv', () => {
  const text = 'visitor,sku,when,what\nu1,A,2024-01-02T00:00:00Z,view\nu1,B,2024-01-01T00:00:00Z,add_to_cart\nu2,A,1700000000,purchase\n';
  test('maps columns, parses ISO and unix times, keeps event types', () => {
    const log = parse(text, { format: 'csv', columns: { user: 'visitor', item: 'sku', time: 'when', type: 'what' } });
    expect(log.kind).toBe('users');
    expect(log.sequences[0]).toMatchObject({ key: 'u1', items: ['B', 'A'], types: ['add_to_cart', 'view'] });
  });

  test.each([
    [{ item: 'sku' }, /needs --item and one of --user or --session/],
    [{ user: 'visitor', item: 'product' }, /--item names column "product", but the header has "visitor", "sku", "when", "what"/],
    [{ user: 'visitor', session: 'visitor', item: 'sku' }, /give one of --user or --session, not both/],
  ])('refuses a bad mapping %j', (columns, message) => {
    expect(() => parse(text, { format: 'csv', columns })).toThrow(message);
  });

  test('dislike and dismiss are negative feedback, outside the sequence', () => {
    const log = parse('visitor,sku,when,what\nu1,A,1,view\nu1,B,2,dismiss\nu1,C,3,click\nu1,D,4,dislike\n', { format: 'csv', columns: { user: 'visitor', item: 'sku', time: 'when', type: 'what' } });
    expect(log.sequences[0]).toMatchObject({ items: ['A', 'C'], types: ['view', 'click'], negatives: { items: ['B', 'D'], times: [2, 4], at: [1, 2] } });
  });

  test('refuses an unknown event type and a bad time, with line and column', () => {
    const cols = { user: 'visitor', item: 'sku', time: 'when', type: 'what' };
    expect(() => parse('visitor,sku,when,what\nu1,A,5,wishlist\n', { format: 'csv', columns: cols })).toThrow(
      /log\.csv:2:8: expected an event type \(view, click, add_to_cart, purchase, dislike, dismiss\), got "wishlist"/,
    );
    expect(() => parse('visitor,sku,when,what\nu1,A,yesterday,view\n', { format: 'csv', columns: cols })).toThrow(/log\.csv:2:6: expected a time/);
  });
});

test('an unknown format, a missing file and a folder are named, with no made-up position', async () => {
  expect(() => parse('x', { format: 'excel' as never })).toThrow(/unknown format "excel"; expected one of movielens, rsc15, sessions, csv, parquet/);
  await expect(readLog('/no/such/log.csv', { format: 'rsc15' })).rejects.toThrow(/^\/no\/such\/log\.csv: no such file$/);
  const folder = await mkdtemp(join(tmpdir(), 'vitrine-'));
  await expect(readLog(folder, { format: 'rsc15' })).rejects.toThrow(new RegExp(`^${folder}: is a folder; expected a file$`));
  await expect(readItems(folder)).rejects.toThrow(/is a folder; expected a file$/);
});

test('readItems reads quoted titles and genre lists', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'movies.csv');
  await writeFile(file, 'movieId,title,genres\n1,"American President, The (1995)",Comedy|Drama|Romance\n2,Film,(no genres listed)\n');
  const items = await readItems(file);
  expect(items.get('1')).toEqual({ title: 'American President, The (1995)', categories: ['Comedy', 'Drama', 'Romance'] });
  expect(items.get('2')!.categories).toEqual([]);
});

describe('streaming a file', () => {
  test('reads a log larger than one chunk line by line, CRLF and multibyte ids across chunk edges included', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'big.tsv');
    // Over 3 MB: several 1 MB chunks, so lines and the 2-byte "é" straddle chunk edges.
    const rows = Array.from({ length: 120_000 }, (_, i) => `${Math.floor(i / 4)}\tété-${i % 997}\t${1_000_000 + i}`);
    await writeFile(file, `SessionId\tItemId\tTime\r\n${rows.join('\r\n')}`);
    const log = await readLog(file, { format: 'rsc15' });
    expect(log.events).toBe(120_000);
    expect(log.sequences.length).toBe(30_000);
    expect(log.sequences[29_999].items).toEqual(Array.from({ length: 4 }, (_, k) => `été-${(119_996 + k) % 997}`));
    expect(log.sequences[0].lines).toEqual([2, 3, 4, 5]);
  });

  test('an error deep in a streamed file names its line', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'vitrine-')), 'bad.tsv');
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i}\tx${i}\t${i}`);
    rows[90_000] = '90000\tx\tlater';
    await writeFile(file, `SessionId\tItemId\tTime\n${rows.join('\n')}\n`);
    await expect(readLog(file, { format: 'rsc15' })).rejects.toThrow(/bad\.tsv:90002:9: expected a unix time \(a number\), got "later"/);
  });
});

describe('--since and --max-clicks keep the recent part of a log', () => {
  const text = 'SessionId\tItemId\tTime\n1\ta\t100\n2\tb\t300\n1\tc\t200\n3\td\t300\n3\te\t400\n';
  test('--since keeps interactions at or after a time; sequences lose their older part', () => {
    const log = parse(text, { format: 'rsc15', since: 200 });
    expect(log.events).toBe(4);
    expect(log.sequences.map((s) => [s.key, s.items])).toEqual([['2', ['b']], ['1', ['c']], ['3', ['d', 'e']]]);
  });
  test('--max-clicks keeps the latest N, the later in the file first among equal times', () => {
    const log = parse(text, { format: 'rsc15', maxClicks: 2 });
    expect(log.events).toBe(2);
    expect(log.sequences.map((s) => s.items)).toEqual([['d', 'e']]);
    expect(parse(text, { format: 'rsc15', maxClicks: 3 }).sequences.map((s) => s.items)).toEqual([['b'], ['d', 'e']]);
    expect(parse(text, { format: 'rsc15', maxClicks: 99 }).events).toBe(5);
    expect(parse(text, { format: 'rsc15', maxClicks: 3, since: 350 }).sequences.map((s) => s.items)).toEqual([['e']]);
  });
  test('--max-clicks counts interactions, not dislikes; the dislikes from the cut on stay beside them', () => {
    const ratings = 'userId,movieId,rating,timestamp\n1,a,5,100\n1,x,1,150\n1,b,5,200\n1,y,1,250\n1,z,1,260\n1,c,5,300\n';
    const log = parse(ratings, { format: 'movielens', maxClicks: 2 });
    expect([log.events, log.negatives]).toEqual([2, 2]);
    expect(log.sequences[0]).toMatchObject({ items: ['b', 'c'], negatives: { items: ['y', 'z'], at: [1, 1] } });
  });
  test('in a sessions file (no times) the latest lines are the most recent', () => {
    expect(parse('a b\nc d e\n', { format: 'sessions', maxClicks: 4 }).sequences.map((s) => s.items)).toEqual([['b'], ['c', 'd', 'e']]);
  });
  test('a --since after the last interaction says when that was', () => {
    expect(() => parse(text, { format: 'rsc15', since: 500 })).toThrow(/log\.csv: no interactions at or after --since 1970-01-01T00:08:20\.000Z; the latest is at 1970-01-01T00:06:40\.000Z/);
  });
});
