export { createVitrine } from './create-vitrine.js';
export type {
  BackendName,
  BackendPreference,
  Ranked,
  RankOptions,
  Vitrine,
  VitrineError,
  VitrineOptions,
} from './types/index.js';
