/**
 * Content hashes for message blocks: the same block re-sent in a later turn hashes the same, also
 * when a `cache_control` breakpoint moved off it.
 */

/**
 * JSON text of a block without its `cache_control` (a breakpoint is not content). Keys stay in
 * the order the client wrote them: one client writes the same block the same way every turn,
 * and sorting every object of a 300 KB prompt each turn would cost more than all the rest.
 */
export function canonicalJson(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  if (!json.includes('"cache_control"')) return json;
  return JSON.stringify(value, (key, v: unknown) => (key === 'cache_control' ? undefined : v)) ?? 'null';
}

/** A 53-bit string hash (cyrb53) as 14 hex digits: fast, no Node modules, collisions negligible at session scale. */
export function hashText(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // The 53-bit number 2^32 × (21 bits of h2) + h1, in hex: written in small pieces, since turning a
  // number past 2^31 into hex is V8's slow path (a division loop), several µs a call.
  return (
    (2097151 & h2).toString(16).padStart(6, '0') +
    (h1 >>> 16).toString(16).padStart(4, '0') +
    (h1 & 0xffff).toString(16).padStart(4, '0')
  );
}
