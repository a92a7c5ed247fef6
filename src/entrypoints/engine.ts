// The script tag's second stage (dist/vitrine-engine.js, an ES module with TensorFlow.js bundled):
// imported by dist/vitrine.min.js from beside itself when the page has a list to rank.
export * from '../lib/ranker.js';
// The script tag's reordering of marked lists (the npm build's pages order their own lists).
export { applyOrders, pageMoved } from '../lib/dom/order.js';
