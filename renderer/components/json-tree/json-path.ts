/** One step into a JSON value: an object key or an array index. */
export type PathStep = string | number;

/**
 * A path as people write it in code and as Tokentap names places in a request
 * (`messages[3].content[0].text`, `["x-header"]` for keys that are not identifiers).
 */
export function formatPath(steps: readonly PathStep[]): string {
  let out = '';
  for (const step of steps) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(step)) out += out === '' ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** A key for a node in maps and sets: unambiguous for any keys (JSON of the steps). */
export function pathKey(steps: readonly PathStep[]): string {
  return JSON.stringify(steps);
}

export interface SearchHit {
  steps: PathStep[];
  /** The hit is in the node's key (else in its value). */
  inKey: boolean;
}

/**
 * Every node whose key or primitive value contains `query` (case-insensitive), in document order,
 * at most `limit` of them (a search in a 5 MB body must stay instant).
 */
export function searchJson(
  root: unknown,
  query: string,
  limit = 1000,
): { hits: SearchHit[]; capped: boolean } {
  const needle = query.toLowerCase();
  const hits: SearchHit[] = [];
  if (needle === '') return { hits, capped: false };
  let capped = false;
  const walk = (value: unknown, steps: PathStep[]): void => {
    if (capped) return;
    const last = steps[steps.length - 1];
    const keyHit = typeof last === 'string' && last.toLowerCase().includes(needle);
    const valueHit =
      value === null || typeof value !== 'object' ? String(value).toLowerCase().includes(needle) : false;
    if (keyHit || valueHit) {
      if (hits.length >= limit) {
        capped = true;
        return;
      }
      hits.push({ steps, inKey: keyHit && !valueHit });
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(value[i], [...steps, i]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) walk(child, [...steps, key]);
    }
  };
  walk(root, []);
  return { hits, capped };
}
