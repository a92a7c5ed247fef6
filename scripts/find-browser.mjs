// Finds a Chromium for the browser tests, in this order: $VITRINE_CHROMIUM, Debian's /usr/bin/chromium,
// Playwright's own download. Never downloads anything. Run directly, it says which one, or how to get one.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function findChromium() {
  const fromEnv = process.env.VITRINE_CHROMIUM;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv, source: 'VITRINE_CHROMIUM' } : { missing: `VITRINE_CHROMIUM=${fromEnv} does not exist` };
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return { path, source: 'system' };
  const { chromium } = await import('@playwright/test');
  const own = chromium.executablePath();
  if (own && existsSync(own)) return { path: undefined, source: `Playwright's own (${own})` };
  return { missing: 'no Chromium found' };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const found = await findChromium();
  if (found.missing) {
    console.error(`${found.missing}: install one (Debian: apt-get install -y chromium; elsewhere: npx playwright install chromium) or set VITRINE_CHROMIUM to its path`);
    process.exit(1);
  }
  console.log(`browser tests use Chromium from ${found.source}${found.path ? `: ${found.path}` : ''}`);
}
