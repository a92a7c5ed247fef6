// The React example's shop in Vue 3 (render functions, so it builds with no plugin): Vue renders the order
// of useRanked (./use-ranked.js), so sorting, filtering and Vitrine's order never fight.
import { computed, createApp, h, ref } from 'vue';
import { startVitrine } from 'vitrine';
import { useRanked } from './use-ranked.js';

const MODEL = import.meta.env.VITE_VITRINE_MODEL || '/vitrine/model/';
const ITEMS = import.meta.env.VITE_VITRINE_ITEMS || '/vitrine/items.json';
// ?backend=wasm (or webgl, cpu) starts that tfjs backend; by default one starts only for candidate sets large enough to need it.
const backend = new URLSearchParams(location.search).get('backend') ?? 'auto';

const items = (await (await fetch(ITEMS)).json()).slice(0, 24);
const vitrine = startVitrine({ model: MODEL, storageName: 'vitrine-example-vue', backend });
const byId = new Map(items.map((item) => [item.id, item]));
const genres = [...new Set(items.flatMap((item) => item.genres))].sort();

const Shop = {
  setup() {
    const sort = ref('for-you');
    const genre = ref('');
    const shuffles = ref(0);
    const cart = ref([]);
    const ids = computed(() => {
      const shown = items.filter((item) => !genre.value || item.genres.includes(genre.value)).map((item) => item.id);
      return shuffles.value ? shuffle(shown, shuffles.value) : shown;
    });
    const forYou = useRanked(vitrine, ids);
    const order = computed(() => (sort.value === 'title' ? [...ids.value].sort((a, b) => byId.get(a).title.localeCompare(byId.get(b).title)) : forYou.value));
    const track = async (type, id) => (await vitrine).track({ type, item: id, list: 'example-vue' });
    vitrine.then((v) => Object.assign(window, { instance: v })); // for the tests
    return () => {
      // For the tests: what Vue rendered last.
      window.rendered = { order: order.value, ids: ids.value, sort: sort.value, cart: cart.value };
      return h('main', [
        h('p', [
          h('label', ['Sort ', h('select', { id: 'sort', value: sort.value, onChange: (e) => (sort.value = e.target.value) }, [h('option', { value: 'for-you' }, 'For you'), h('option', { value: 'title' }, 'Title')])]),
          ' ',
          h('label', ['Genre ', h('select', { id: 'genre', value: genre.value, onChange: (e) => (genre.value = e.target.value) }, [h('option', { value: '' }, 'All'), ...genres.map((g) => h('option', { key: g }, g))])]),
          ' ',
          h('button', { id: 'shuffle', type: 'button', onClick: () => shuffles.value++ }, 'Shuffle'),
        ]),
        h(
          'ul',
          { id: 'list' },
          order.value.map((id) =>
            h('li', { key: id, 'data-id': id }, [
              h('button', { type: 'button', class: 'open', onClick: () => track('click', id) }, byId.get(id).title),
              ' ',
              cart.value.includes(id)
                ? h('em', 'in the cart')
                : h('button', { type: 'button', class: 'cart', onClick: () => { cart.value = [...cart.value, id]; track('add_to_cart', id); } }, 'Add to cart'),
            ]),
          ),
        ),
      ]);
    };
  },
};

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

createApp(Shop).mount('#app');
