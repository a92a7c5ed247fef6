// The script tag's second stage (dist/vitrine-engine.js, an ES module with TensorFlow.js bundled):
// imported by dist/vitrine.min.js from beside itself when the page has a list to rank.
export * from '../lib/ranker.js';
