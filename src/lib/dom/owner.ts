import type { PageList } from './lists.js';

// Properties a framework sets on the elements it renders: React (__reactFiber$…, __reactProps$…, and
// __reactContainer$… or _reactRootContainer on a root, set as soon as the app calls hydrateRoot), Vue 3
// (__vnode, __vueParentComponent, __vue_app__), Angular (__ngContext__), Preact (__k on a root), Lit.
const RENDERED = /^(_?_react|__vue|__vnode|__ngContext|__k$|_\$lit)/;
// A page that a server-rendering framework will hydrate: before it has, its elements carry nothing.
const SERVER_RENDERED = ['__NEXT_DATA__', '__next_f', '__remixContext', '__reactRouterContext', '__NUXT__'];
const SERVER_ROOTS = '#__next,#__nuxt,#___gatsby,astro-island,[data-reactroot],[data-server-rendered],[data-sveltekit-preload-data]';

/**
 * What renders a list, if not plain DOM: the shop's `data-vitrine-framework` on the list or an ancestor
 * (`none`: plain DOM whatever the page), a framework's property on an item, the list or an ancestor, or
 * the marks of a server-rendering framework on the page. Vitrine never moves or writes to such a list.
 */
export function ownerOf(list: PageList): string | undefined {
  const marked = list.element.closest<HTMLElement>('[data-vitrine-framework]')?.dataset.vitrineFramework;
  if (marked !== undefined) return marked === 'none' ? undefined : marked || 'data-vitrine-framework';
  for (let el: Element | null = list.items[0] ?? list.element; el; el = el.parentElement) {
    const key = Object.getOwnPropertyNames(el).find((k) => RENDERED.test(k));
    if (key) return key.replace(/\$.*/, '');
  }
  // The page's marks come with its HTML: once it is parsed they are looked for no more (a query of the
  // whole document for every list at every rank, a click's rerank included).
  const page = serverRendered ?? [SERVER_RENDERED.find((k) => k in window) ?? (document.querySelector(SERVER_ROOTS) ? 'a server-rendered page' : undefined)];
  if (document.readyState != 'loading') serverRendered = page;
  return page[0];
}

let serverRendered: [string | undefined] | undefined;
