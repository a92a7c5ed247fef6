import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest } from '../lib/manifest.js';
import type { Metrics } from '../trainer/metrics.js';
import { metricsTable } from './report.js';
import { UsageError } from './usage-error.js';

/** Summarises a model directory and verifies every file's size and hash. Returns the report's lines. */
export async function inspect(dir: string): Promise<{ lines: string[]; ok: boolean }> {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`${path}: not found; expected a model directory holding manifest.json`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = parseManifest(json);
  if (!parsed.ok) throw new UsageError(`${path}: ${parsed.error.message.replace(/^manifest\.json: /, '')}`);
  const m = parsed.value;
  const lines = [
    `model       ${dir}`,
    `format      vitrine-model v${m.formatVersion}`,
    `items       ${m.itemCount}`,
    `dimensions  ${m.dim}`,
    `weights     ${m.weights.flatMap((g) => g.weights).map((w) => `${w.name} [${w.shape.join('×')}] ${w.quantization?.dtype ?? w.dtype}`).join(', ')}`,
    'files',
  ];
  let ok = true;
  for (const f of m.files) {
    let status: string;
    try {
      const data = await readFile(join(dir, f.path));
      const hash = createHash('sha256').update(data).digest('hex');
      status = data.byteLength !== f.bytes ? `size ${data.byteLength}, expected ${f.bytes}` : hash !== f.sha256 ? 'sha256 MISMATCH' : 'sha256 ok';
    } catch {
      status = 'MISSING';
    }
    if (status !== 'sha256 ok') ok = false;
    lines.push(`  ${f.path.padEnd(24)} ${String(f.bytes).padStart(10)} B  ${status}`);
  }
  const metrics = m.metrics as { cases?: number; at20?: Record<string, Metrics>; at10?: Record<string, Metrics> } | undefined;
  if (metrics?.at20 && metrics.at10) {
    lines.push(`metrics     on ${metrics.cases ?? '?'} held-out cases, full ranking`, '', metricsTable(metrics.at20, 20), '', metricsTable(metrics.at10, 10));
  } else if (m.metrics) {
    lines.push(`metrics     ${JSON.stringify(m.metrics, null, 2)}`);
  }
  return { lines, ok };
}
