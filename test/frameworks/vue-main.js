// The same shop list as react-app.js, rendered by Vue 3 (its browser build, straight from node_modules):
// 24 keyed items in a live marked list, with sort, filter, shuffle and add to cart.
import { createApp, h, nextTick, ref } from '/node_modules/vue/dist/vue.runtime.esm-browser.js';

const items = ref(Array.from({ length: 24 }, (_, i) => `item-${i + 1}`));
const cart = ref(0);
createApp({
  render: () =>
    h('section', [
      h('p', `In the cart: ${cart.value}`),
      h(
        'ul',
        { 'data-vitrine-list': 'vue-grid', 'data-vitrine-live': '' },
        items.value.map((id) => h('li', { key: id, 'data-vitrine-item': id }, [h('button', { type: 'button' }, id)])),
      ),
    ]),
}).mount('#root');
const set = async (f) => {
  items.value = f(items.value);
  await nextTick();
};
window.app = {
  sort: () => set((xs) => [...xs].sort((a, b) => Number(b.slice(5)) - Number(a.slice(5)))),
  filter: () => set((xs) => xs.filter((id) => Number(id.slice(5)) % 5 !== 0)),
  shuffle: () => set((xs) => [...xs.slice(7), ...xs.slice(0, 7)]),
  add: async () => {
    cart.value++;
    await nextTick();
  },
};
Object.defineProperty(window, 'appState', { get: () => items.value.slice() });
