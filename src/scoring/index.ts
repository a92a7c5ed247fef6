// The scoring core: plain inputs in, scores and orders out; no TensorFlow.js, no DOM. The browser's engine
// and the trainer's evaluation call it on either side of their device part (the session model's step and
// the embedding products), so what the trainer measures is what the browser computes.
export * from './history.js';
export * from './terms.js';
export * from './score.js';
export * from './order.js';
export * from './vectors.js';
