import { sha256 } from '@noble/hashes/sha2.js';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * sha256 of `data` as lowercase hex. Web Crypto where the page has it (HTTPS and localhost); elsewhere
 * (a shop served over plain http) a small pure-JS digest, so a model file is always checked.
 */
export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) return hex(new Uint8Array(await subtle.digest('SHA-256', data as BufferSource)));
  return hex(sha256(data instanceof Uint8Array ? data : new Uint8Array(data)));
}
