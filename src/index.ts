export { createVitrine, startVitrine, type StartedVitrine } from './create-vitrine.js';
export type {
  BackendName,
  BackendPreference,
  ConsentState,
  EventType,
  HistoryEvent,
  ProfileExport,
  Reason,
  RecommendOptions,
  TrackEvent,
  Ranked,
  RankOptions,
  Vitrine,
  VitrineError,
  VitrineOptions,
} from './types/index.js';
