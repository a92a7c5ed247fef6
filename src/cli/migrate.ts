import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchModel } from '../lib/fetch-model.js';
import { decodeWeights } from '../lib/weights.js';
import { InputError } from '../trainer/data.js';
import { parseFlags } from './args.js';
import { fileFetch } from './file-fetch.js';
import { UsageError } from './usage-error.js';
import { writeModel, type ExportTensor } from './write-model.js';

export const MIGRATE_HELP = `Usage: vitrine migrate --model DIR --out DIR

Rewrites a version 1 model directory (one weights file holding every item) as version 2: a core whose size
does not depend on the catalog and item rows that the browser fetches for the items a page shows
(docs/model-format.md). The numbers are the same, stored as version 2 stores them (8-bit item vectors).

  --model DIR   the version 1 model directory to read (left as it is)
  --out DIR     the model directory to write: absent, empty, or a model vitrine wrote (replaced
                atomically); any other folder or file is refused`;

const FLAGS = { model: { type: 'string' }, out: { type: 'string' } } as const;

export async function migrateCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, FLAGS, MIGRATE_HELP);
  if (values.help) {
    out(MIGRATE_HELP);
    return 0;
  }
  if (!values.model || !values.out) throw new UsageError(`migrate needs --model and --out\n\n${MIGRATE_HELP}`);
  const where = join(values.model, 'manifest.json');
  const fetched = await fetchModel(pathToFileURL(resolve(where)), { timeoutMs: 60_000, fetch: fileFetch });
  if (!fetched.ok) throw new InputError(where, 0, 0, fetched.error.message);
  const { manifest, items, shards } = fetched.value;
  if (manifest.formatVersion !== 1 || !items) throw new InputError(where, 0, 0, `formatVersion is ${manifest.formatVersion}; migrate reads version 1`);
  const tensors: Record<string, ExportTensor> = {};
  const specs = manifest.weights.flatMap((g) => g.weights);
  for (const w of decodeWeights(shards, specs)) {
    const spec = specs.find((s) => s.name === w.name)!;
    tensors[w.name] = { values: w.values, shape: w.shape, float16: spec.quantization?.dtype === 'float16' };
  }
  const { format: _f, formatVersion: _v, dim: _d, itemCount: _n, items: _i, files: _files, weights: _w, ...extra } = manifest;
  const written = await writeModel(values.out, { ids: items.ids, categories: items.categories, popularity: items.popularity, tensors, extra });
  out(`wrote ${values.out}: version ${written.formatVersion}, ${written.itemCount} items in ${(written.rows as { files: string[] }).files.length} row files`);
  return 0;
}
