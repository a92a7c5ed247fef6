// A plain TypeScript app: it renders its own list, tells Vitrine what the visitor did, and asks for the
// order. Vitrine's engine is a chunk Vite splits off; its .wasm files are emitted beside it (no copy step).
import { createVitrine } from 'vitrine';

interface Item { id: string; title: string; genres: string[] }

const MODEL = import.meta.env.VITE_VITRINE_MODEL || '/vitrine/model/';
const ITEMS = import.meta.env.VITE_VITRINE_ITEMS || '/vitrine/items.json';
// ?backend=wasm (or webgl, cpu) starts that tfjs backend; by default one starts only for candidate sets large enough to need it.
const backend = (new URLSearchParams(location.search).get('backend') ?? 'auto') as 'auto' | 'webgl' | 'wasm' | 'cpu';

const app = document.getElementById('app')!;
const status = app.appendChild(document.createElement('p'));
const list = app.appendChild(document.createElement('ul'));
list.id = 'list';
status.textContent = 'loading…';

const items: Item[] = (await (await fetch(ITEMS)).json()).slice(0, 30);
const vitrine = await createVitrine({ model: MODEL, storageName: 'vitrine-example-spa', backend });
status.textContent = vitrine.ready ? `ranking (${vitrine.backendReason})` : `the page's order: ${vitrine.error?.message}`;

async function render() {
  const ranked = await vitrine.rank(items.map((item) => item.id));
  const byId = new Map(items.map((item) => [item.id, item]));
  list.replaceChildren(
    ...ranked.map(({ id }) => {
      const li = document.createElement('li');
      li.dataset.id = id;
      const button = li.appendChild(document.createElement('button'));
      button.type = 'button';
      button.textContent = byId.get(id)!.title;
      button.addEventListener('click', async () => {
        await vitrine.track({ type: 'click', item: id, list: 'example-spa' });
        await render();
      });
      return li;
    }),
  );
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? 0) + 1);
}
await render();
Object.assign(window, { instance: vitrine }); // for the tests
