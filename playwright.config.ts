import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/find-browser.mjs';

const PORT = Number(process.env.VITRINE_TEST_PORT ?? 4319);
const chromium = await findChromium();

export default defineConfig({
  testDir: 'test/browser',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never', outputFolder: 'test-results/html' }]],
  outputDir: 'test-results/artifacts',
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: chromium.path,
      // Root in CI needs --no-sandbox. SwiftShader gives headless Chromium WebGL2 with no further flags.
      // vitrine.test is the local server under a name that is not a secure context (plain http, no Web Crypto).
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--host-resolver-rules=MAP vitrine.test 127.0.0.1'],
    },
  },
  webServer: [
    {
      command: `node scripts/serve.mjs --port ${PORT}`,
      url: `http://localhost:${PORT}/demo/`,
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
    },
    {
      // The same files, cacheable as a production server would serve them.
      command: `node scripts/serve.mjs --cache --port ${PORT + 1}`,
      url: `http://localhost:${PORT + 1}/demo/`,
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
    },
  ],
});

/** The origin of the server that lets the browser cache files. */
export const CACHING_ORIGIN = `http://localhost:${PORT + 1}`;
