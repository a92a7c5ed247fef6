// The browser side of react-app.js: renders into #root (createRoot), or hydrates the server's HTML
// (hydrateRoot) when the page asks, once it calls window.hydrateNow() when it holds hydration back.
import * as React from 'react';
import { flushSync } from 'react-dom';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { App } from './react-app.js';

const params = new URLSearchParams(location.search);
const actions = {};
const app = React.createElement(App, { indexKeys: params.get('keys') === 'index', onState: (items) => (window.appState = items), actions });
const tree = params.has('strict') ? React.createElement(React.StrictMode, null, app) : app;
// Each action renders synchronously, as a click handler's update would before the next frame.
window.app = Object.fromEntries(['sort', 'filter', 'shuffle', 'add'].map((k) => [k, (...a) => flushSync(() => actions[k](...a))]));
window.reactVersion = React.version;
const root = document.getElementById('root');
if (params.has('hydrate')) {
  const go = () => hydrateRoot(root, tree, { onRecoverableError: (e) => console.error('hydration:', e.message) });
  if (params.has('later')) window.hydrateNow = go;
  else go();
} else createRoot(root).render(tree);
