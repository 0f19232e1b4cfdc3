import type { HeaderMap } from '../exchange/capture-events.ts';
import type { HarNameValue } from './har-types.ts';

/**
 * A header map as HAR's ordered name/value list, plus the names whose value is an array: a list
 * cannot tell `set-cookie: x` from `set-cookie: [x]`, and Node gives some headers as arrays always.
 */
export function headerMapToHar(headers: HeaderMap): { list: HarNameValue[]; arrayNames: string[] } {
  const list: HarNameValue[] = [];
  const arrayNames: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      list.push({ name, value });
      continue;
    }
    arrayNames.push(name);
    for (const item of value) list.push({ name, value: item });
  }
  return { list, arrayNames };
}

/** A HAR header list as a header map: repeated names and the names in `arrayNames` become arrays. */
export function harToHeaderMap(list: readonly HarNameValue[], arrayNames: readonly string[] = []): HeaderMap {
  const arrays = new Set(arrayNames);
  const map: HeaderMap = {};
  for (const { name, value } of list) {
    const previous = Object.hasOwn(map, name) ? map[name] : undefined;
    if (previous === undefined) set(map, name, arrays.has(name) ? [value] : value);
    else if (Array.isArray(previous)) previous.push(value);
    else set(map, name, [previous, value]);
  }
  // An empty array has no list entries to carry it.
  for (const name of arrays) if (!Object.hasOwn(map, name)) set(map, name, []);
  return map;
}

function set(map: HeaderMap, name: string, value: string | string[]): void {
  // A header named `__proto__` in an imported file must stay a header, not become the prototype.
  Object.defineProperty(map, name, { value, enumerable: true, writable: true, configurable: true });
}
