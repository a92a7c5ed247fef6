/** Reports how far a stage is: `done` of `total` units, with an optional detail (a loss, a count). */
export type Step = (done: number, total: number, detail?: string) => void;

export interface Progress {
  /** A line of its own (a stage's result, a figure). */
  line(text: string): void;
  /**
   * Runs one named stage: prints its name, then (through `step`) how far it is with an estimate of the time
   * left, then the time it took.
   */
  stage<T>(name: string, run: (step: Step) => T | Promise<T>): Promise<T>;
  /** Seconds each stage took, by name, in the order they ran. */
  readonly seconds: Map<string, number>;
}

export interface ProgressOptions {
  /** Print nothing (`--json`: the caller wants one JSON object and silence). */
  quiet?: boolean;
  /** Off a terminal, a step is printed at most this often. @default 15 */
  everySeconds?: number;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

/**
 * Progress on stderr. On a terminal a stage's progress rewrites one line; in a log file or CI it is a plain
 * line at most every `everySeconds`, so a long run shows it is alive and when it will end without flooding.
 */
export function progressLine(stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr, options: ProgressOptions = {}): Progress {
  const now = options.now ?? (() => performance.now());
  const every = (options.everySeconds ?? 15) * 1000;
  let last = '';
  const write = (text: string) => {
    if (!options.quiet) stream.write(text);
  };
  const line = (text: string) => {
    if (stream.isTTY && last) write(`\r${' '.repeat(last.length)}\r`);
    last = '';
    write(`${text}\n`);
  };
  const seconds = new Map<string, number>();
  return {
    line,
    seconds,
    async stage(name, run) {
      const started = now();
      let printed = started;
      line(`${name} ...`);
      const step: Step = (done, total, detail) => {
        const t = now();
        const seconds = (t - started) / 1000;
        const left = done > 0 && total > done ? ` ${duration((seconds / done) * (total - done))} left` : '';
        const text = `  ${name}: ${done}/${total}${detail ? `  ${detail}` : ''}  ${duration(seconds)} in,${left}`;
        if (stream.isTTY) {
          write(`\r${text.padEnd(last.length)}`);
          last = text;
        } else if (t - printed >= every) {
          printed = t;
          line(text);
        }
      };
      const result = await run(step);
      const took = (now() - started) / 1000;
      seconds.set(name, (seconds.get(name) ?? 0) + took);
      line(`${name}: done in ${duration(took)}`);
      return result;
    },
  };
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}
