import { InputError, readInput } from '../trainer/data.js';
import { readItems } from '../trainer/parse.js';
import { splitLine } from '../trainer/csv.js';
import { categoryEmbeddings, foldInMatrix } from '../trainer/profile-space.js';
import { writeModel, type ExportTensor } from './write-model.js';
import { parseFlags } from './args.js';
import { checkModelDir } from './output-dir.js';
import { UsageError } from './usage-error.js';

export const IMPORT_HELP = `Usage: vitrine import --embeddings FILE --out DIR [--items FILE]

Builds a model directory from item vectors trained elsewhere, so a shop that trains on a cluster keeps its
engine and still serves Vitrine. The directory then holds the embeddings (float16), the fold-in matrix and,
with --items, category vectors; it has no session model, and the browser ranks with what it holds.

  --embeddings FILE  CSV lines "id,v1,...,vd" (a header line is skipped when its second field is not a
                     number), or JSON lines as Spark ALS writes itemFactors: {"id": 12, "features": [...]}
  --items FILE       item metadata, movies.csv style: id,title,categories (categories separated by |)
  --out DIR          the model directory to write: absent, empty, or a model vitrine wrote (replaced
                     atomically); any other folder or file is refused`;

const FLAGS = { embeddings: { type: 'string' }, items: { type: 'string' }, out: { type: 'string' } } as const;

/** Reads item vectors from CSV or JSON lines; every vector must have the first one's length. */
export function parseEmbeddings(text: string, file: string): { ids: string[]; dim: number; values: Float32Array } {
  const ids: string[] = [];
  const rows: number[][] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    const where = i + 1;
    if (line.trim() === '') return;
    let id: string;
    let vector: number[];
    if (line.trimStart().startsWith('{')) {
      let json: { id?: unknown; features?: unknown };
      try {
        json = JSON.parse(line);
      } catch {
        throw new InputError(file, where, 1, 'expected a JSON object like {"id": 1, "features": [0.1, 0.2]}');
      }
      if ((typeof json.id !== 'string' && typeof json.id !== 'number') || !Array.isArray(json.features)) {
        throw new InputError(file, where, 1, 'expected "id" (a string or number) and "features" (an array of numbers)');
      }
      id = String(json.id);
      vector = json.features as number[];
      const bad = vector.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0) throw new InputError(file, where, 1, `features[${bad}] is ${JSON.stringify(vector[bad])}, expected a finite number`);
    } else {
      let parsed;
      try {
        parsed = splitLine(line, ',');
      } catch (e) {
        throw new InputError(file, where, 1, (e as Error).message);
      }
      if (i === 0 && parsed.fields.length > 1 && !Number.isFinite(Number(parsed.fields[1]))) return; // header
      id = parsed.fields[0].trim();
      vector = parsed.fields.slice(1).map((f, k) => {
        const v = Number(f);
        if (f.trim() === '' || !Number.isFinite(v)) throw new InputError(file, where, parsed.columns[k + 1], `expected a number, got ${JSON.stringify(f)}`);
        return v;
      });
    }
    if (id === '') throw new InputError(file, where, 1, 'expected an item id, got an empty field');
    if (seen.has(id)) throw new InputError(file, where, 1, `item ${JSON.stringify(id)} already has a vector on line ${seen.get(id)}`);
    if (vector.length === 0) throw new InputError(file, where, 1, 'expected at least one vector component');
    if (rows.length > 0 && vector.length !== rows[0].length) {
      throw new InputError(file, where, 1, `expected ${rows[0].length} components as on the first line, got ${vector.length}`);
    }
    seen.set(id, where);
    ids.push(id);
    rows.push(vector);
  });
  if (rows.length === 0) throw new InputError(file, 1, 1, 'no item vectors found; expected at least one');
  const dim = rows[0].length;
  return { ids, dim, values: Float32Array.from(rows.flat()) };
}

/** `vitrine import`: returns the exit code. */
export async function importCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, FLAGS, IMPORT_HELP);
  if (values.help) {
    out(IMPORT_HELP);
    return 0;
  }
  if (!values.embeddings || !values.out) throw new UsageError(`--embeddings and --out are required\n\n${IMPORT_HELP}`);
  await checkModelDir(values.out, [values.embeddings, values.items]);
  const { ids, dim, values: E } = parseEmbeddings(await readInput(values.embeddings), values.embeddings);
  const meta = values.items ? await readItems(values.items) : undefined;
  const categories = meta ? ids.map((id) => meta.get(id)?.categories ?? []) : undefined;
  const tensors: Record<string, ExportTensor> = {
    item_embeddings: { values: E, shape: [ids.length, dim], float16: true },
    fold_in: { values: foldInMatrix(E, ids.length, dim), shape: [dim, dim] },
  };
  const cats = categories ? categoryEmbeddings(categories, E, dim) : undefined;
  if (cats && cats.names.length) tensors.category_embeddings = { values: cats.vectors, shape: [cats.names.length, dim] };
  await writeModel(values.out, {
    ids,
    categories,
    tensors,
    extra: { ...(cats?.names.length && { categories: cats.names }), training: { imported: values.embeddings } },
  });
  out(`wrote ${values.out}: ${ids.length} items, ${dim} dimensions, from ${values.embeddings}`);
  return 0;
}
