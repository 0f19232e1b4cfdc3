/**
 * Content hashes for message blocks: the same block re-sent in a later turn hashes the same even
 * when the client wrote its keys in another order or moved a `cache_control` breakpoint off it.
 */

/** JSON text of a value with object keys sorted and `cache_control` left out (a breakpoint is not content). */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (key, v: unknown) => {
      if (key === 'cache_control') return undefined;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }) ?? 'null'
  );
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
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return n.toString(16).padStart(14, '0');
}
