import { defineConfig } from '@playwright/test';
import base from './playwright.config.js';

// Benchmarks: one worker (nothing else competing), a server that lets the browser cache model files.
const PORT = Number(process.env.VITRINE_BENCH_PORT ?? 4329);

export default defineConfig({
  ...base,
  testDir: 'test/bench',
  testMatch: '*.bench.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 15 * 60_000,
  reporter: [['list']],
  use: { ...base.use, baseURL: `http://localhost:${PORT}` },
  webServer: { command: `node scripts/serve.mjs --cache --port ${PORT}`, url: `http://localhost:${PORT}/demo/`, reuseExistingServer: !process.env.CI, stdout: 'ignore' },
});
