import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { EVENT_TYPES, InputError, unreadable, type Log } from './data.js';
import type { ParseOptions } from './formats.js';
import { LogBuilder, mapColumns, parseTime, typeOf, TYPE_NAMES } from './log-builder.js';

/**
 * Reads a Parquet log (a warehouse export) a row group at a time with hyparquet, the columns named as for
 * the csv format. Ids may be strings or integers; times timestamps, numbers (unix seconds) or ISO strings.
 * Mistakes name the file, the row (1-based) and the column.
 */
export async function readParquetLog(file: string, options: ParseOptions): Promise<Log> {
  const fail = (row: number, message: string) => new InputError(file, row, 0, message);
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    buffer = await asyncBufferFromFile(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw unreadable(file, e);
    throw fail(0, `not a Parquet file (${(e as Error).message})`);
  }
  const names = parquetSchema(metadata).children.map((child) => child.element.name);
  const map = mapColumns('parquet', options.columns, names, 'the file', (message) => fail(0, message));
  // Only the mapped columns are read; positions below are within that list.
  const wanted = [map.key, map.item, map.time, map.type];
  const columns = [...new Set(wanted.filter((k) => k >= 0).map((k) => names[k]))];
  const [keyAt, itemAt, timeAt, typeAt] = wanted.map((k) => (k < 0 ? -1 : columns.indexOf(names[k])));

  const builder = new LogBuilder(file, options);
  builder.kind = map.kind;
  const CLICK = EVENT_TYPES.indexOf('click');
  const id = (value: unknown, row: number, column: string) => {
    const v = typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'bigint' ? String(value) : '';
    if (v === '') throw fail(row, `column ${JSON.stringify(column)}: expected an id (a string or an integer), got ${describe(value)}`);
    return v;
  };
  const time = (value: unknown, row: number, column: string) => {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime() / 1000;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'string') return parseTime(value, row, 0, () => fail(row, `column ${JSON.stringify(column)}: expected a time (unix seconds or an ISO date), got ${describe(value)}`));
    throw fail(row, `column ${JSON.stringify(column)}: expected a time (a timestamp, unix seconds or an ISO date), got ${describe(value)}`);
  };
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    await parquetRead({
      file: buffer,
      metadata,
      columns,
      rowStart,
      rowEnd,
      compressors,
      onComplete: (rows: unknown[][]) => {
        rows.forEach((r, k) => {
          const row = rowStart + k + 1;
          let type = CLICK;
          if (typeAt >= 0) {
            type = typeOf(r[typeAt]);
            if (type < 0) throw fail(row, `column ${JSON.stringify(columns[typeAt])}: expected an event type (${TYPE_NAMES}), got ${describe(r[typeAt])}`);
          }
          builder.row(id(r[keyAt], row, columns[keyAt]), id(r[itemAt], row, columns[itemAt]), timeAt >= 0 ? time(r[timeAt], row, columns[timeAt]) : row, type, row);
        });
      },
    });
    rowStart = rowEnd;
  }
  return builder.finish();
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'bigint') return `${value}`;
  return JSON.stringify(value) ?? String(value);
}
