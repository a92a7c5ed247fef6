// A shop's product list as a React app renders it: 24 keyed items (index keys with ?keys=index) in a live
// marked list, with sort, filter, shuffle and add to cart. Built for the browser by
// test/browser/frameworks.spec.ts (once with React 19, once with React 18), and rendered on the server from
// Node for the hydration tests. Plain createElement: no JSX step.
import * as React from 'react';

const h = React.createElement;
export const ITEMS = Array.from({ length: 24 }, (_, i) => `item-${i + 1}`);

export function App({ indexKeys = false, onState = () => {}, actions = {} }) {
  const [items, setItems] = React.useState(ITEMS);
  const [cart, setCart] = React.useState(0);
  onState(items);
  Object.assign(actions, {
    sort: () => setItems((xs) => [...xs].sort((a, b) => Number(b.slice(5)) - Number(a.slice(5)))),
    filter: () => setItems((xs) => xs.filter((id) => Number(id.slice(5)) % 5 !== 0)),
    shuffle: () => setItems((xs) => [...xs.slice(7), ...xs.slice(0, 7)]),
    add: () => setCart((n) => n + 1),
  });
  return h(
    'section',
    null,
    h('p', null, `In the cart: ${cart}`),
    h(
      'ul',
      { 'data-vitrine-list': 'react-grid', 'data-vitrine-live': '' },
      items.map((id, i) => h('li', { key: indexKeys ? i : id, 'data-vitrine-item': id }, h('button', { type: 'button' }, id))),
    ),
  );
}
