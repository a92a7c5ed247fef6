import { describe, expect, test } from 'vitest';
import { checkRankArgs, checkRecommendArgs, resolveOptions } from '../../src/lib/options.js';

describe('resolveOptions', () => {
  test('fills defaults', () => {
    expect(resolveOptions({ model: '/m/' })).toEqual({ model: '/m/', backend: 'auto', wasmPaths: undefined, timeoutMs: 10_000, scoring: {}, sessionTimeoutMinutes: 30, consent: 'granted', honorGlobalPrivacyControl: true, retentionDays: 30, maxEvents: 1000, storageName: 'vitrine', autoTrack: false, loadModel: 'now', plainScoringUpTo: undefined });
    expect(resolveOptions({ model: '/m/', plainScoringUpTo: Infinity }).plainScoringUpTo).toBe(Infinity);
    expect(resolveOptions({ model: '/m/', plainScoringUpTo: 0 }).plainScoringUpTo).toBe(0);
  });

  test.each([
    [undefined, /options must be an object.*got undefined/],
    [{}, /options\.model must be the model directory's URL, got undefined/],
    [{ model: '' }, /options\.model .* got ""/],
    [{ model: '/m/', backend: 'gpu' }, /options\.backend must be one of 'auto', 'webgl', 'wasm', 'cpu', got "gpu"/],
    [{ model: '/m/', wasmPaths: '/wasm' }, /wasmPaths must be a URL prefix ending in '\/', got "\/wasm"/],
    [{ model: '/m/', timeoutMs: -1 }, /timeoutMs must be a positive number of milliseconds, got -1/],
    [{ model: '/m/', modle: 'x' }, /unknown option "modle"; expected one of model, backend/],
    [{ model: '/m/', scoring: { lstn: 1 } }, /unknown options\.scoring\.lstn; expected one of lstm, last, decay, repeat, repeatDecay, long, history, seen, page, category, halfLife, dislike/],
    [{ model: '/m/', scoring: { page: '1' } }, /options\.scoring\.page must be a finite number, got "1"/],
    [{ model: '/m/', scoring: { halfLife: 0 } }, /options\.scoring\.halfLife must be a positive number of days, got 0/],
    [{ model: '/m/', scoring: { repeatDecay: 1.5 } }, /options\.scoring\.repeatDecay must be a number in 0\.\.1, got 1\.5/],
    [{ model: '/m/', sessionTimeoutMinutes: 0 }, /sessionTimeoutMinutes must be a positive number, got 0/],
    [{ model: '/m/', consent: 'yes' }, /options\.consent must be one of 'granted', 'denied', 'pending', got "yes"/],
    [{ model: '/m/', maxEvents: 0.5 }, /options\.maxEvents must be a whole number in 1\.\.100000, got 0\.5/],
    [{ model: '/m/', loadModel: 'later' }, /options\.loadModel must be one of 'now', 'idle', 'manual', got "later"/],
    [{ model: '/m/', plainScoringUpTo: -1 }, /options\.plainScoringUpTo must be a whole number ≥ 0 or Infinity, got -1/],
    [{ model: '/m/', plainScoringUpTo: 2.5 }, /options\.plainScoringUpTo must be a whole number ≥ 0 or Infinity, got 2\.5/],
    [{ model: '/m/', plainScoringUpTo: '100' }, /options\.plainScoringUpTo must be a whole number ≥ 0 or Infinity, got "100"/],
    [{ model: '/m/', storageName: 'a b' }, /options\.storageName must be 1 to 64 letters/],
  ])('refuses %j, naming the value', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(message);
  });
});

describe('checkRankArgs', () => {
  test('accepts ids and a history', () => {
    const defaults = { history: [], pinned: [], exclude: [], diversity: 0, explain: false, categories: new Map() };
    expect(checkRankArgs(['a'], { history: ['b', { id: 'c', type: 'add_to_cart', time: 5 }] })).toEqual({ ...defaults, history: ['b', { id: 'c', type: 'add_to_cart', time: 5 }] });
    expect(checkRankArgs([], undefined)).toEqual(defaults);
  });

  test('names the bad id and its position', () => {
    expect(() => checkRankArgs('a,b', undefined)).toThrow(/ids must be an array of strings, got "a,b"/);
    expect(() => checkRankArgs(['a', 7], undefined)).toThrow(/ids\[1\] must be a string, got 7/);
    expect(() => checkRankArgs(['a'], { history: 'a' })).toThrow(/history must be an array of ids or \{ id, type\?, time\? \} events, got "a"/);
    expect(() => checkRankArgs(['a'], { history: [{ id: 'a', type: 'love' }] })).toThrow(/history\[0\]\.type must be one of view, click, add_to_cart, purchase, like, dislike, dismiss, got "love"/);
    expect(() => checkRankArgs(['a'], { diversity: 2 })).toThrow(/diversity must be a number in 0\.\.1, got 2/);
    expect(() => checkRankArgs(['a'], { pinned: [1] })).toThrow(/options\.pinned\[0\] must be a string, got 1/);
    expect(() => checkRankArgs(['a'], { categories: { a: 'Drama' } })).toThrow(/options\.categories\["a"\] must be an array of category names, got "Drama"/);
  });

  test('categories become a Map of own keys: "__proto__" is an id, not a prototype', () => {
    const given = JSON.parse('{"__proto__":["Drama"],"constructor":["Toys"],"a":["Books"]}');
    const { categories } = checkRankArgs(['a'], { categories: given });
    expect([...categories]).toEqual([['__proto__', ['Drama']], ['constructor', ['Toys']], ['a', ['Books']]]);
    expect(categories.get('toString')).toBeUndefined();
    expect(checkRankArgs(['a'], { categories: new Map([['valueOf', ['x']]]) }).categories.get('valueOf')).toEqual(['x']);
  });
});

describe('checkRecommendArgs', () => {
  test('fills defaults and names bad values', () => {
    expect(checkRecommendArgs({ k: 5 })).toEqual({ k: 5, exclude: [], history: [], explain: false });
    expect(() => checkRecommendArgs({ k: -1 })).toThrow(/options\.k must be a whole number in 0\.\.10000, got -1/);
    expect(() => checkRecommendArgs(undefined)).toThrow(/options must be an object like \{ k: 10 \}, got undefined/);
  });
});
