import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * A `fetch` over file: URLs that answers 404 for a missing file, as a static server would, so Node reads
 * model directories through the browser's own loader and its checks.
 */
export const fileFetch: typeof fetch = async (input) => {
  try {
    return new Response(await readFile(fileURLToPath(String(input instanceof Request ? input.url : input))));
  } catch {
    return new Response(null, { status: 404 });
  }
};
