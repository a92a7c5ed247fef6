import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * A `fetch` over file: URLs that answers as a static server would: 404 for a missing file, 206 with the
 * bytes asked for when a request has a `Range: bytes=a-b` header. Node reads model directories through
 * the browser's own loader and its checks.
 */
export const fileFetch: typeof fetch = async (input, init) => {
  let data: Uint8Array<ArrayBuffer>;
  try {
    const file = await readFile(fileURLToPath(String(input instanceof Request ? input.url : input)));
    data = new Uint8Array(file.buffer as ArrayBuffer, file.byteOffset, file.byteLength);
  } catch {
    return new Response(null, { status: 404 });
  }
  const range = /^bytes=(\d+)-(\d+)$/.exec(new Headers(init?.headers).get('range') ?? '');
  if (!range) return new Response(data);
  const [start, end] = [Number(range[1]), Math.min(Number(range[2]), data.byteLength - 1)];
  if (start > end) return new Response(null, { status: 416 });
  return new Response(data.subarray(start, end + 1), { status: 206, headers: { 'content-range': `bytes ${start}-${end}/${data.byteLength}` } });
};
