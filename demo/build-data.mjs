// Builds the storefront's catalog (demo/data/movies.json) from MovieLens ml-latest-small and the trained
// model: every movie the model knows, with title, year and genres. Run after training the demo model:
//   node demo/build-data.mjs ../shared/datasets/ml-latest-small
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const source = process.argv[2] ?? join(import.meta.dirname, '../../shared/datasets/ml-latest-small');
const here = import.meta.dirname;
const { ids, popularity } = JSON.parse(readFileSync(join(here, 'model/items.json'), 'utf8'));
const known = new Map(ids.map((id, i) => [id, popularity?.[i] ?? 0]));

const movies = [];
for (const line of readFileSync(join(source, 'movies.csv'), 'utf8').split(/\r?\n/).slice(1)) {
  const m = /^(\d+),("(?:[^"]|"")*"|[^,]*),(.*)$/.exec(line);
  if (!m || !known.has(m[1])) continue;
  let title = m[2].startsWith('"') ? m[2].slice(1, -1).replaceAll('""', '"') : m[2];
  const year = /\((\d{4})\)\s*$/.exec(title)?.[1];
  title = title.replace(/\s*\(\d{4}\)\s*$/, '');
  // "American President, The" reads better as "The American President".
  title = title.replace(/^(.*), (The|A|An|Les|La|Le|Il|Das|Der|Die|El)$/, '$2 $1');
  const genres = m[3] === '(no genres listed)' ? [] : m[3].split('|');
  movies.push({ id: m[1], title, year: year ? Number(year) : undefined, genres, popularity: known.get(m[1]) });
}
movies.sort((a, b) => b.popularity - a.popularity || Number(a.id) - Number(b.id));
writeFileSync(join(here, 'data/movies.json'), `${JSON.stringify(movies)}\n`);
copyFileSync(join(source, 'README.txt'), join(here, 'data/README.txt'));
console.log(`wrote demo/data/movies.json: ${movies.length} movies (MovieLens ml-latest-small, GroupLens; licence in demo/data/README.txt)`);
