// The demo storefront: movies as products, rendered by this file, personalised by the Vitrine script tag
// (index.html). Everything is built with DOM calls; nothing is parsed as HTML.
const vitrine = window.vitrine;
const view = document.getElementById('view');
const movies = await (await fetch('data/movies.json')).json();
const byId = new Map(movies.map((m) => [m.id, m]));
const GENRES = ['Action', 'Adventure', 'Animation', 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];
let personalised = true;
let cart = 0;

const el = (tag, { dataset = {}, ...props } = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const [k, v] of Object.entries(dataset)) node.dataset[k] = v;
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
};

/** A poster drawn from the movie's first genre and title: no images, nothing fetched. */
function poster(m) {
  let hash = 0;
  for (const c of m.genres[0] ?? m.title) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  const p = el('div', { className: 'poster' }, el('b', { textContent: m.title }), el('small', { textContent: m.year ? String(m.year) : '' }));
  p.style.background = `linear-gradient(160deg, hsl(${hue} 55% 45%), hsl(${(hue + 40) % 360} 60% 22%))`;
  return p;
}

function card(m) {
  return el(
    'li',
    { className: 'card', dataset: { vitrineItem: m.id, vitrineCategory: m.genres.join('|') } },
    el('a', { href: `#/movie/${m.id}` }, poster(m), el('div', { className: 'genres', textContent: m.genres.join(' · ') })),
  );
}

/** A marked list: Vitrine ranks it in place; `live` lists follow the visitor's clicks. */
function list(name, className, items, { live = true } = {}) {
  const ul = el('ul', { className, dataset: { vitrineList: name } }, ...items.map(card));
  if (live) ul.dataset.vitrineLive = '';
  if (!personalised) ul.dataset.vitrineOff = '';
  return ul;
}

async function forYou() {
  const ids = personalised ? (await vitrine.recommend({ k: 12 }).catch(() => [])).map((r) => r.id) : [];
  const picks = ids.length ? ids.map((id) => byId.get(id)).filter(Boolean) : movies.slice(0, 12);
  return list('for-you', 'rail', picks);
}

function home() {
  // The page renders at once: the "for you" rail holds the popular picks (the same size) until recommend()
  // answers, which waits for the model; nothing of the page waits for it, and nothing shifts.
  const rail = list('for-you', 'rail', movies.slice(0, 12));
  view.replaceChildren(el('h2', { textContent: 'Recommended for you' }), rail, el('h2', { textContent: 'Popular now' }), list('home-grid', 'grid', movies.slice(0, 48)));
  void forYou().then((picked) => rail.isConnected && rail.replaceWith(picked));
}

function genre(name) {
  const picks = movies.filter((m) => m.genres.includes(name)).slice(0, 48);
  view.replaceChildren(el('h1', { textContent: name }), list(`genre-${name.toLowerCase()}`, 'grid', picks));
}

function product(id) {
  const m = byId.get(id);
  if (!m) return home();
  const similar = movies.filter((x) => x.id !== id && x.genres.some((g) => m.genres.includes(g))).slice(0, 40);
  const add = el('button', { type: 'button', textContent: 'Add to cart', dataset: { vitrineEvent: 'add_to_cart' } });
  add.addEventListener('click', () => (document.getElementById('cart-count').textContent = String(++cart)));
  view.replaceChildren(
    el(
      'section',
      { className: 'product', dataset: { vitrineItem: m.id } },
      poster(m),
      el('div', {}, el('h1', { textContent: m.title }), el('p', { className: 'muted', textContent: `${m.year ?? ''} · ${m.genres.join(', ')}` }), add),
    ),
    el('h2', { textContent: 'More like this' }),
    list('more-like-this', 'rail', similar),
  );
}

function route() {
  const [, page, arg] = location.hash.split('/');
  document.querySelectorAll('#genres a').forEach((a) => a.toggleAttribute('aria-current', a.getAttribute('href') === location.hash));
  if (page === 'genre') genre(decodeURIComponent(arg));
  else if (page === 'movie') product(arg);
  else home();
  scrollTo(0, 0);
}

document.getElementById('genres').append(...GENRES.map((g) => el('a', { href: `#/genre/${encodeURIComponent(g)}`, textContent: g })));
addEventListener('hashchange', route);
await route();

// ---- The profile panel ----
const panel = document.getElementById('panel');
const panelButton = document.getElementById('panel-button');
async function renderPanel() {
  if (panel.hidden) return;
  const p = await vitrine.profile();
  document.getElementById('consent').checked = p.consent.state === 'granted';
  // Interests as bars, the strongest first (weights relative to it).
  const top = p.interests.slice(0, 8);
  const most = Math.max(...top.map((i) => i.weight), 1e-9);
  document.getElementById('interests').replaceChildren(
    ...top.map((i) => {
      const bar = el('meter', { min: 0, max: 1, value: i.weight / most });
      bar.setAttribute('aria-label', `${i.category}: ${i.weight.toFixed(1)}`);
      return el('li', {}, el('span', { textContent: i.category }), bar);
    }),
  );
  // What the visitor did leads; what the page showed them (views) is folded.
  const line = (e) => el('li', { textContent: `${e.type} · ${byId.get(e.item)?.title ?? e.item} · ${new Date(e.time).toLocaleTimeString()}` });
  const views = p.events.filter((e) => e.type === 'view');
  document.getElementById('events').replaceChildren(...p.events.filter((e) => e.type !== 'view').slice(-30).reverse().map(line));
  document.getElementById('views').replaceChildren(...views.slice(-30).reverse().map(line));
  document.getElementById('views-summary').textContent = `Pages viewed (${views.length})`;
  const storage = p.storage.kind === 'indexeddb' ? 'IndexedDB on this device' : p.storage.kind === 'memory' ? 'memory, this page only' : 'nothing (no consent)';
  document.getElementById('engine').dataset.storage = storage;
}
panelButton.addEventListener('click', () => {
  panel.hidden = !panel.hidden;
  panelButton.setAttribute('aria-expanded', String(!panel.hidden));
  renderPanel();
});
document.getElementById('consent').addEventListener('change', async (e) => {
  await vitrine.consent(e.target.checked ? 'granted' : 'denied');
  await route();
  renderPanel();
});
document.getElementById('personalised').addEventListener('change', async (e) => {
  personalised = e.target.checked;
  await route();
});
document.getElementById('erase').addEventListener('click', async () => {
  await vitrine.forget();
  await route();
  renderPanel();
});
vitrine.on('rank', (e) => {
  const engine = document.getElementById('engine');
  engine.textContent = `${e.backend ?? 'no model'} · last rank of "${e.list}" (${e.arm}) in ${e.ms.toFixed(1)} ms · profile kept in ${engine.dataset.storage ?? '…'}`;
  renderPanel();
});
// After each event (here or in another tab), refresh the "for you" picks; the marked lists rerank themselves.
let refresh;
vitrine.onProfileChange((e) => {
  if (e?.type === 'view') return renderPanel();
  clearTimeout(refresh);
  refresh = setTimeout(async () => {
    const rail = document.querySelector('[data-vitrine-list="for-you"]');
    if (rail) rail.replaceWith(await forYou());
    renderPanel();
  }, 150);
});
