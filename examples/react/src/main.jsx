// A React shop: React renders the order useRanked gives, so sorting, filtering, keys and Vitrine's order
// never fight. Clicks and add-to-cart are tracked; each is a profile change, and useRanked ranks again.
import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { VitrineProvider, useRanked, useVitrine } from 'vitrine/react';

const MODEL = import.meta.env.VITE_VITRINE_MODEL || '/vitrine/model/';
const ITEMS = import.meta.env.VITE_VITRINE_ITEMS || '/vitrine/items.json';
// ?backend=wasm (or webgl, cpu) starts that tfjs backend; by default one starts only for candidate sets large enough to need it.
const backend = new URLSearchParams(location.search).get('backend') ?? 'auto';

function Shop({ items }) {
  const vitrine = useVitrine();
  const [sort, setSort] = useState('for-you'); // 'for-you' | 'title'
  const [genre, setGenre] = useState('');
  const [shuffles, setShuffles] = useState(0);
  const [cart, setCart] = useState([]);
  // The page's own order: the catalog, filtered by genre, shuffled on demand.
  const ids = useMemo(() => {
    const shown = items.filter((item) => !genre || item.genres.includes(genre)).map((item) => item.id);
    return shuffles ? shuffle(shown, shuffles) : shown;
  }, [items, genre, shuffles]);
  const forYou = useRanked(ids);
  const byId = useMemo(() => new Map(items.map((item) => [item.id, item])), [items]);
  const order = sort === 'title' ? [...ids].sort((a, b) => byId.get(a).title.localeCompare(byId.get(b).title)) : forYou;
  // For the tests: what React rendered last, and the instance.
  useEffect(() => {
    Object.assign(window, { rendered: { order, ids, sort, cart }, instance: vitrine });
  });
  const genres = [...new Set(items.flatMap((item) => item.genres))].sort();
  const track = (type, id) => vitrine?.track({ type, item: id, list: 'example-react' });
  return (
    <main>
      <p>
        <label>Sort <select id="sort" value={sort} onChange={(e) => setSort(e.target.value)}><option value="for-you">For you</option><option value="title">Title</option></select></label>{' '}
        <label>Genre <select id="genre" value={genre} onChange={(e) => setGenre(e.target.value)}><option value="">All</option>{genres.map((g) => <option key={g}>{g}</option>)}</select></label>{' '}
        <button id="shuffle" type="button" onClick={() => setShuffles((n) => n + 1)}>Shuffle</button>{' '}
        <span id="status">{vitrine?.ready ? 'personalised' : 'the shop’s order'}</span>
      </p>
      <ul id="list">
        {order.map((id) => (
          <li key={id} data-id={id}>
            <button type="button" className="open" onClick={() => track('click', id)}>{byId.get(id).title}</button>{' '}
            {cart.includes(id) ? <em>in the cart</em> : <button type="button" className="cart" onClick={() => { setCart((c) => [...c, id]); track('add_to_cart', id); }}>Add to cart</button>}
          </li>
        ))}
      </ul>
    </main>
  );
}

/** A seeded shuffle, so a test can repeat it. */
function shuffle(ids, seed) {
  const out = [...ids];
  let s = seed * 2654435761;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const items = (await (await fetch(ITEMS)).json()).slice(0, 24);
createRoot(document.getElementById('app')).render(
  <StrictMode>
    <VitrineProvider options={{ model: MODEL, storageName: 'vitrine-example-react', backend }}>
      <Shop items={items} />
    </VitrineProvider>
  </StrictMode>,
);
