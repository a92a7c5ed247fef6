import type { Ranked, Vitrine } from '../../types/index.js';

/**
 * The debug view (`?vitrine-debug` in the URL, or `data-debug` on the script tag): a panel over the page
 * with the backend, the load time and each list's last rank, scores and reasons. Built with DOM calls and
 * textContent only: nothing from the page or the model is parsed as HTML.
 */
export function debugPanel() {
  const panel = document.createElement('aside');
  panel.setAttribute('aria-label', 'Vitrine debug');
  panel.dataset.vitrineDebug = '';
  Object.assign(panel.style, {
    position: 'fixed',
    right: '8px',
    bottom: '8px',
    zIndex: '2147483647',
    maxWidth: '360px',
    maxHeight: '60vh',
    overflow: 'auto',
    font: '12px/1.4 ui-monospace, monospace',
    background: 'rgba(20,20,20,.92)',
    color: '#eee',
    padding: '8px 10px',
    borderRadius: '6px',
  });
  const head = document.createElement('div');
  head.textContent = 'vitrine: loading…';
  const body = document.createElement('div');
  panel.append(head, body);
  const sections = new Map<string, HTMLElement>();
  const attach = () => document.body.append(panel);
  if (document.body) attach();
  else addEventListener('DOMContentLoaded', attach, { once: true });
  return {
    loaded(v: Vitrine & { load?: () => Promise<void> }, ms: number) {
      const show = () =>
        (head.textContent = v.ready ? `vitrine ${v.backend ?? 'plain loops'} · ${v.backendReason} · loaded in ${Math.round(ms)} ms` : `vitrine: page order (${v.error?.message})`);
      show();
      // The backend starts after the first order: shown again once it has.
      void v.load?.().then(show);
    },
    rank(e: { list: string; arm: string; ms: number; ranked: Ranked[] }) {
      let section = sections.get(e.list);
      if (!section) {
        section = document.createElement('section');
        sections.set(e.list, section);
        body.append(section);
      }
      const title = document.createElement('strong');
      title.textContent = `${e.list} · ${e.arm} · ${e.ms.toFixed(1)} ms`;
      const rows = e.ranked.slice(0, 8).map((r) => {
        const row = document.createElement('div');
        row.textContent = `${r.score.toFixed(3)}  ${r.id}${r.reason ? `  ← ${r.reason.kind} ${r.reason.item}` : ''}`;
        return row;
      });
      section.replaceChildren(title, ...rows);
    },
  };
}
