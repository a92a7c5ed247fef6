// A static server for the demo and the browser tests: the project folder on localhost only.
// Usage: node scripts/serve.mjs [--port N] [--cache]   (port 8080 or $PORT; --cache: cacheable for an hour,
// and compressed, as a production server would serve model files; without it every request revalidates)
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sirv from 'sirv';
import compression from 'compression';

const { values } = parseArgs({ options: { port: { type: 'string' }, cache: { type: 'boolean' } } });
const port = Number(values.port ?? process.env.PORT ?? 8080);
const root = join(import.meta.dirname, '..');
// Without --cache every request revalidates (an ETag: a file rebuilt is seen at once, one unchanged comes
// from the browser's cache, as a returning visitor's script does).
const served = values.cache ? sirv(root, { maxAge: 3600, etag: true, dotfiles: false }) : sirv(root, { dev: true, etag: true, dotfiles: false });
// Files written while the server runs (the models tests and benchmarks generate under test-results/) are
// looked up on each request: a --cache server lists its files when it starts. Cacheable alike with --cache.
const written = sirv(root, { dev: true, etag: true, dotfiles: false, setHeaders: values.cache ? (res) => res.setHeader('Cache-Control', 'public, max-age=3600') : undefined });
const files = (req, res, next) => (req.url?.startsWith('/test-results/') ? written : served)(req, res, next);

const gzip = values.cache ? compression() : (_req, _res, next) => next();

createServer((req, res) =>
  gzip(req, res, () =>
    files(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    }),
  ),
).listen(port, '127.0.0.1', () => {
  console.log(`Vitrine demo storefront: http://localhost:${port}/demo/`);
});
