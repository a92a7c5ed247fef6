/** sha256 of `data` as lowercase hex, or `undefined` where Web Crypto is missing (pages not served over HTTPS). */
export async function sha256Hex(data: ArrayBuffer): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
