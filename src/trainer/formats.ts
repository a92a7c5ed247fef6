export const FORMATS = ['movielens', 'rsc15', 'sessions', 'csv', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];

/** Column names of a shop's own CSV export. */
export interface CsvColumns {
  user?: string;
  session?: string;
  item: string;
  time?: string;
  type?: string;
}

export interface ParseOptions {
  format: Format;
  /** movielens: ratings at or above this are positive interactions. @default 4 */
  minRating?: number;
  /** movielens: ratings at or below this are dislikes (negative feedback); 0 reads none. @default 2 */
  dislikeRating?: number;
  /** csv: which column holds what. */
  columns?: CsvColumns;
  /** Only interactions at or after this time (unix seconds). */
  since?: number;
  /** Only the most recent this many interactions (after --min-rating). */
  maxClicks?: number;
}
