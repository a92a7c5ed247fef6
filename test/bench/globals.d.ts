import type api from '../../src/entrypoints/script-tag.js';

declare global {
  interface Window {
    vitrine: typeof api;
  }
}
