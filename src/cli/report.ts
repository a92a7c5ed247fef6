import { REPORT_MARK } from './output-dir.js';
import { INTENT_EVENTS, type Intent, type Metrics } from '../trainer/metrics.js';
import type { EpochReport } from '../trainer/session-model.js';

export interface ReportData {
  title: string;
  split: string[];
  cases: number;
  at20: Record<string, Metrics>;
  at10: Record<string, Metrics>;
  history: EpochReport[];
  /** Each ranking's top-20 popularity percentile and, with categories, its intent share. */
  beyond: { popularity: Record<string, number>; intent?: Record<string, Intent>; visitors?: Record<string, Record<'returning' | 'first', { cases: number; hitrate: number; mrr: number }>> };
  notes: string[];
}

const NAMES: Record<string, string> = {
  model: 'Vitrine model (blend, as exported)',
  lstm: 'LSTM alone',
  neighbourhood: 'session neighbourhood alone',
  pop: 'POP',
  spop: 'S-POP',
  itemknn: 'item-kNN',
  bprmf: 'BPR-MF',
  longterm: 'long-term profile alone',
  historyknn: 'item-kNN over the whole history',
  noprototype: 'the blend without the thin-history prototype',
  float32: 'the same blend before export (float32)',
};

const pct = (x: number) => (x * 100).toFixed(2);
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The metrics as a Markdown table (also printed by the CLI). */
export function metricsTable(at: Record<string, Metrics>, k: number): string {
  const rows = Object.entries(at).map(
    ([name, m]) => `| ${NAMES[name] ?? name} | ${pct(m.hitrate)} | ${pct(m.mrr)} | ${pct(m.ndcg)} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} |`,
  );
  return [`| @${k} (%) | HitRate | MRR | NDCG | Precision | Recall | F1 |`, '| --- | ---: | ---: | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

/**
 * Beyond accuracy, as a Markdown table: the top 20's mean popularity percentile (popularity bias) and,
 * for cases whose last items share a category, that category's share of the top 10 and 20.
 */
export function beyondTable(b: ReportData['beyond']): string {
  const intent = b.intent && Object.values(b.intent)[0];
  const head = intent
    ? `| ranking | top-20 popularity percentile | intent share @10 (%) | intent share @20 (%) |\n| --- | ---: | ---: | ---: |`
    : `| ranking | top-20 popularity percentile |\n| --- | ---: |`;
  const rows = Object.entries(b.popularity).map(([name, p]) => {
    const i = b.intent?.[name];
    return `| ${NAMES[name] ?? name} | ${pct(p)} |${i ? ` ${pct(i.at10)} | ${pct(i.at20)} |` : ''}`;
  });
  const note = intent ? `\n\nIntent: ${intent.cases} cases whose last ${INTENT_EVENTS} items share a category; the catalog's share in those categories is ${pct(intent.catalog)}%.` : '';
  return `${head}\n${rows.join('\n')}${note}${b.visitors ? `\n\n${visitorsTable(b.visitors)}` : ''}`;
}

/** Returning visitors' cases apart from first sessions', HitRate@20 / MRR@20 (%). */
function visitorsTable(v: NonNullable<ReportData['beyond']['visitors']>): string {
  const any = Object.values(v)[0];
  const rows = Object.entries(v).map(([name, x]) => `| ${NAMES[name] ?? name} | ${pct(x.returning.hitrate)} / ${pct(x.returning.mrr)} | ${pct(x.first.hitrate)} / ${pct(x.first.mrr)} |`);
  return [`| @20 (%) | returning visitors (${any.returning.cases} cases) | first sessions (${any.first.cases} cases) |`, '| --- | ---: | ---: |', ...rows].join('\n');
}

/** An SVG line chart of training loss and validation HitRate@20 per epoch. */
export function curveSvg(history: EpochReport[]): string {
  const W = 560, H = 220, L = 48, R = 48, T = 16, B = 32;
  if (history.length === 0) return '';
  const xs = (i: number) => L + (history.length === 1 ? 0 : (i / (history.length - 1)) * (W - L - R));
  const losses = history.map((h) => h.loss);
  const [lo, hi] = [Math.min(...losses), Math.max(...losses)];
  const yLoss = (v: number) => T + (hi === lo ? 0.5 : (hi - v) / (hi - lo)) * (H - T - B);
  const yValid = (v: number) => T + (1 - v) * (H - T - B);
  const path = (ys: number[], y: (v: number) => number) => ys.map((v, i) => `${i ? 'L' : 'M'}${xs(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="training curve">
  <rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#ccc"/>
  <path d="${path(losses, yLoss)}" fill="none" stroke="#c0392b" stroke-width="2"/>
  <path d="${path(history.map((h) => h.valid), yValid)}" fill="none" stroke="#2471a3" stroke-width="2"/>
  <text x="${L - 6}" y="${T + 10}" text-anchor="end" font-size="11" fill="#c0392b">${hi.toFixed(2)}</text>
  <text x="${L - 6}" y="${H - B}" text-anchor="end" font-size="11" fill="#c0392b">${lo.toFixed(2)}</text>
  <text x="${W - R + 6}" y="${T + 10}" font-size="11" fill="#2471a3">100%</text>
  <text x="${W - R + 6}" y="${H - B}" font-size="11" fill="#2471a3">0%</text>
  <text x="${L}" y="${H - 10}" font-size="11">epoch 1</text>
  <text x="${W - R}" y="${H - 10}" text-anchor="end" font-size="11">epoch ${history.length}</text>
  <text x="${W / 2}" y="${H - 10}" text-anchor="middle" font-size="11"><tspan fill="#c0392b">training loss</tspan> · <tspan fill="#2471a3">validation HitRate@20</tspan></text>
</svg>`;
}

/** A self-contained HTML report: split, training curve, metrics at 20 and 10. */
export function reportHtml(r: ReportData): string {
  const table = (at: Record<string, Metrics>, k: number) => {
    const rows = Object.entries(at)
      .map(([name, m]) => `<tr><th>${escape(NAMES[name] ?? name)}</th>${[m.hitrate, m.mrr, m.ndcg, m.precision, m.recall, m.f1].map((v) => `<td>${pct(v)}</td>`).join('')}</tr>`)
      .join('\n');
    return `<table><thead><tr><th>@${k}, %</th><th>HitRate</th><th>MRR</th><th>NDCG</th><th>Precision</th><th>Recall</th><th>F1</th></tr></thead><tbody>${rows}</tbody></table>`;
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${REPORT_MARK}<title>${escape(r.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;margin:1rem 0}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}th:first-child{text-align:left}pre{background:#f6f6f6;padding:.75rem}</style>
</head><body>
<h1>${escape(r.title)}</h1>
<h2>Data</h2><pre>${escape(r.split.join('\n'))}</pre>
<h2>Training</h2>${curveSvg(r.history)}
<table><thead><tr><th>epoch</th><th>loss</th><th>validation HitRate@20, %</th><th>seconds</th></tr></thead><tbody>
${r.history.map((h) => `<tr><th>${h.epoch}</th><td>${h.loss.toFixed(3)}</td><td>${pct(h.valid)}</td><td>${h.seconds.toFixed(1)}</td></tr>`).join('\n')}
</tbody></table>
<h2>Test: ${r.cases} next-item predictions, full ranking over all items</h2>
${table(r.at20, 20)}
${table(r.at10, 10)}
<h2>Beyond accuracy</h2>
<pre>${escape(beyondTable(r.beyond))}</pre>
${r.notes.map((n) => `<p>${escape(n)}</p>`).join('\n')}
</body></html>
`;
}
