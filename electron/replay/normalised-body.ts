/**
 * Top-level request fields ignored when matching by default: they identify the caller or tag the
 * request (`user`, `metadata`, `safety_identifier`, `prompt_cache_key`) but do not change the
 * answer, and they vary between runs. `stream_options` is NOT ignored: `include_usage` changes
 * the wire (the usage chunk), so a recording with it must not answer a request without it.
 */
export const DEFAULT_IGNORED_FIELDS: readonly string[] = [
  'user',
  'metadata',
  'safety_identifier',
  'prompt_cache_key',
];

/** A request body in the form replay matches on. */
export interface NormalisedBody {
  /** Canonical JSON (keys sorted, no whitespace, ignored fields dropped), or the raw text when not JSON. */
  key: string;
  /** The top-level object's fields in canonical form, for telling how two bodies differ; null when not a JSON object. */
  fields: Map<string, string> | null;
}

/** Normalises a body: JSON with key order, whitespace and ignored top-level fields removed; other text as is. */
export function normaliseBody(text: string, ignored: ReadonlySet<string>): NormalisedBody {
  if (text.trim() === '') return { key: '', fields: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { key: text, fields: null };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { key: canonicalJson(value), fields: null };
  const fields = new Map<string, string>();
  for (const name of Object.keys(value).sort()) {
    if (ignored.has(name)) continue;
    fields.set(name, canonicalJson((value as Record<string, unknown>)[name]));
  }
  let key = '{';
  for (const [name, canonical] of fields)
    key += `${key.length > 1 ? ',' : ''}${JSON.stringify(name)}:${canonical}`;
  return { key: `${key}}`, fields };
}

/** Top-level fields in which two bodies differ (sorted); null when either is not a JSON object. */
export function differingFields(a: NormalisedBody, b: NormalisedBody): string[] | null {
  if (!a.fields || !b.fields) return null;
  const names = new Set([...a.fields.keys(), ...b.fields.keys()]);
  return [...names].filter((name) => a.fields?.get(name) !== b.fields?.get(name)).sort();
}

/** JSON with object keys sorted at every depth: equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
