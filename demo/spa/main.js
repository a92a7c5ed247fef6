// A single-page app using the npm build: it renders its own list, tells Vitrine what the visitor did and
// asks for the order; no data attributes, no script tag. Built by rollup into demo/spa/build/ (app.js, and the engine chunk it imports when the model loads).
import { createVitrine } from '../../dist/index.js';

// When the app's own code starts running: a static import would be fetched before this, a lazy one after.
performance.mark('spa:start');

const status = document.getElementById('status');
const listEl = document.getElementById('list');
const movies = (await (await fetch('../data/movies.json')).json()).slice(0, 30);
const byId = new Map(movies.map((m) => [m.id, m]));

// The WASM files are wherever the app serves them from; here, the package's dist/ folder.
const vitrine = await createVitrine({ model: '../model/', wasmPaths: new URL('../../dist/', location.href).href, storageName: 'vitrine-spa' });
status.textContent = vitrine.ready ? `ranking ${vitrine.backend ? `on ${vitrine.backend}` : 'in plain loops'} (${vitrine.backendReason})` : `page order: ${vitrine.error.message}`;

async function render() {
  const ranked = await vitrine.rank(movies.map((m) => m.id), { explain: true });
  listEl.replaceChildren(
    ...ranked.map(({ id, reason }) => {
      const m = byId.get(id);
      const li = document.createElement('li');
      li.className = 'card';
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = m.title;
      button.addEventListener('click', async () => {
        await vitrine.track({ type: 'click', item: id, list: 'spa-trending' });
        render();
      });
      const why = document.createElement('div');
      why.className = 'genres';
      why.textContent = reason ? `because of ${byId.get(reason.item)?.title ?? reason.item}` : m.genres.join(' · ');
      li.append(button, why);
      return li;
    }),
  );
}
render();
