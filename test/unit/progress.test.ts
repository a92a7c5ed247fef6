import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { duration, progressLine } from '../../src/cli/progress.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(new Writable({ write: (c, _, done) => (chunks.push(String(c)), done()) }), { isTTY });
  return { stream, text: () => chunks.join('') };
}

test('off a terminal, a stage prints its start, a step with an ETA at most every 15 s, and its time', async () => {
  const { stream, text } = sink(false);
  let clock = 0;
  const progress = progressLine(stream, { now: () => clock });
  const result = await progress.stage('training', (step) => {
    for (let done = 1; done <= 100; done++) {
      clock += 1000; // one unit a second: 100 s in all
      step(done, 100, `loss ${(1 / done).toFixed(2)}`);
    }
    return 42;
  });
  expect(result).toBe(42);
  const lines = text().trimEnd().split('\n');
  expect(lines[0]).toBe('training ...');
  // Steps at 15 s, 30 s, ... 90 s: six lines, each with the time left at the rate so far.
  expect(lines.slice(1, -1)).toEqual([15, 30, 45, 60, 75, 90].map((s) => `  training: ${s}/100  loss ${(1 / s).toFixed(2)}  ${duration(s)} in, ${duration(100 - s)} left`));
  expect(lines.at(-1)).toBe('training: done in 1m40s');
});

test('on a terminal, steps rewrite one line; quiet prints nothing', async () => {
  const tty = sink(true);
  let clock = 0;
  const progress = progressLine(tty.stream, { now: () => (clock += 10) });
  await progress.stage('evaluating', (step) => [1, 2, 3].forEach((d) => step(d, 3)));
  expect(tty.text().match(/\r {2}evaluating: \d\/3/g)).toHaveLength(3);
  expect(tty.text()).toMatch(/evaluating: done in /);

  const quiet = sink(false);
  const silent = progressLine(quiet.stream, { quiet: true, everySeconds: 0 });
  silent.line('a figure');
  await silent.stage('evaluating', (step) => step(1, 2));
  expect(quiet.text()).toBe('');
});

test('durations round to whole seconds past ten, never to "1m60s"', () => {
  expect([4.25, 59.6, 119.7, 3599.5].map(duration)).toEqual(['4.3s', '1m00s', '2m00s', '60m00s']);
});
