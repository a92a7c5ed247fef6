import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FORMAT_VERSION, type Manifest, type ModelFile, type WeightSpec } from '../lib/manifest.js';

/** A float32 tensor to export: row-major values and a shape. */
export interface ExportTensor {
  values: Float32Array;
  shape: number[];
}

export interface ModelContents {
  /** The shop's item ids, in embedding row order. */
  ids: string[];
  /** Must include `item_embeddings` (n×d); written in this order into one shard. */
  tensors: Record<string, ExportTensor>;
  /** Extra manifest fields (scoring weights, training summary, metrics). */
  extra?: Record<string, unknown>;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Writes a model directory (docs/model-format.md). The files are written to a temporary folder beside
 * `out` and renamed into place, so a failure never leaves a half-written model.
 */
export async function writeModel(out: string, contents: ModelContents): Promise<Manifest> {
  const embeddings = contents.tensors.item_embeddings;
  if (!embeddings || embeddings.shape.length !== 2 || embeddings.shape[0] !== contents.ids.length) {
    throw new Error(`item_embeddings must have shape [${contents.ids.length}, d]`);
  }
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(contents.tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.values.length) throw new Error(`${name} has ${t.values.length} values, shape [${t.shape}] needs ${size}`);
    specs.push({ name, shape: t.shape, dtype: 'float32' });
    parts.push(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
  }
  const weights = Buffer.concat(parts);
  const items = Buffer.from(JSON.stringify({ ids: contents.ids }));
  const file = (path: string, data: Uint8Array): ModelFile => ({ path, sha256: sha256(data), bytes: data.byteLength });
  const manifest: Manifest = {
    format: 'vitrine-model',
    formatVersion: FORMAT_VERSION,
    dim: embeddings.shape[1],
    itemCount: contents.ids.length,
    items: 'items.json',
    files: [file('items.json', items), file('weights.bin', weights)],
    weights: [{ paths: ['weights.bin'], weights: specs }],
    ...contents.extra,
  };
  const target = resolve(out);
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(join(dirname(target), '.vitrine-'));
  try {
    await chmod(tmp, 0o755); // mkdtemp makes it private; a web server must be able to read the model
    await writeFile(join(tmp, 'items.json'), items);
    await writeFile(join(tmp, 'weights.bin'), weights);
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return manifest;
}
