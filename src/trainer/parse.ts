import { splitLine } from './csv.js';
import { InputError, readInput, readLines, type Log } from './data.js';
import type { ParseOptions } from './formats.js';
import { LogBuilder } from './log-builder.js';
import { readParquetLog } from './parquet.js';

export { FORMATS, type CsvColumns, type Format, type ParseOptions } from './formats.js';
export { parseTime } from './log-builder.js';

/** Reads a log file as a stream, line by line; every mistake is an {@link InputError} naming the file, line and column. */
export async function readLog(file: string, options: ParseOptions): Promise<Log> {
  if (options.format === 'parquet') return readParquetLog(file, options);
  const builder = new LogBuilder(file, options);
  await readLines(file, (line, n) => builder.push(line, n));
  return builder.finish();
}

/** Parses a whole log held in a string (small logs, tests); {@link readLog} streams a file instead. */
export function parseLog(text: string, file: string, options: ParseOptions): Log {
  if (options.format === 'parquet') throw new InputError(file, 0, 0, 'a Parquet log is binary: read it from its file');
  const builder = new LogBuilder(file, options);
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => builder.push(line, i + 1));
  return builder.finish();
}

/** Reads movies.csv-style item metadata (`id,title,categories` with `|` between categories). */
export async function readItems(file: string): Promise<Map<string, { title: string; categories: string[] }>> {
  const lines = (await readInput(file)).split(/\r?\n/);
  const out = new Map<string, { title: string; categories: string[] }>();
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    let parsed;
    try {
      parsed = splitLine(line, ',');
    } catch (e) {
      throw new InputError(file, i + 1, 1, (e as Error).message);
    }
    if (parsed.fields.length < 3) throw new InputError(file, i + 1, 1, `expected 3 fields (id, title, categories), got ${parsed.fields.length}`);
    const cats = parsed.fields[2].split('|').filter((g) => g && g !== '(no genres listed)');
    out.set(parsed.fields[0].trim(), { title: parsed.fields[1], categories: cats });
  });
  return out;
}
