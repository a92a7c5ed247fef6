import { describe, expect, test } from 'vitest';
import { checkRankArgs, resolveOptions } from '../../src/lib/options.js';

describe('resolveOptions', () => {
  test('fills defaults', () => {
    expect(resolveOptions({ model: '/m/' })).toEqual({ model: '/m/', backend: 'auto', wasmPaths: undefined, timeoutMs: 10_000 });
  });

  test.each([
    [undefined, /options must be an object.*got undefined/],
    [{}, /options\.model must be the model directory's URL, got undefined/],
    [{ model: '' }, /options\.model .* got ""/],
    [{ model: '/m/', backend: 'gpu' }, /options\.backend must be one of 'auto', 'webgl', 'wasm', 'cpu', got "gpu"/],
    [{ model: '/m/', wasmPaths: '/wasm' }, /wasmPaths must be a URL prefix ending in '\/', got "\/wasm"/],
    [{ model: '/m/', timeoutMs: -1 }, /timeoutMs must be a positive number of milliseconds, got -1/],
    [{ model: '/m/', modle: 'x' }, /unknown option "modle"; expected one of model, backend/],
  ])('refuses %j, naming the value', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(message);
  });
});

describe('checkRankArgs', () => {
  test('accepts ids and a history', () => {
    expect(checkRankArgs(['a'], { history: ['b'] })).toEqual({ history: ['b'] });
    expect(checkRankArgs([], undefined)).toEqual({ history: [] });
  });

  test('names the bad id and its position', () => {
    expect(() => checkRankArgs('a,b', undefined)).toThrow(/ids must be an array of strings, got "a,b"/);
    expect(() => checkRankArgs(['a', 7], undefined)).toThrow(/ids\[1\] must be a string, got 7/);
    expect(() => checkRankArgs(['a'], { history: 'a' })).toThrow(/history must be an array of item id strings, got "a"/);
  });
});
