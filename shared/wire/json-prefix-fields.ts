/** What a JSON object's text, possibly cut anywhere, says about some of its top-level fields. */
export interface PrefixFields {
  /** Top-level string fields found complete, by name. */
  strings: Map<string, string>;
  /** Top-level `true`/`false` fields found, by name. */
  booleans: Map<string, boolean>;
}

/**
 * Reads the top-level string and boolean fields named in `names` from the start of a JSON object
 * whose end may be missing (a body cut by the capture cap). One pass, no parse: nested values are
 * skipped by counting brackets outside strings. Stops at the first thing that is not JSON.
 */
export function jsonPrefixFields(text: string, names: ReadonlySet<string>): PrefixFields {
  const found: PrefixFields = { strings: new Map(), booleans: new Map() };
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return found;
  i++;
  while (i < text.length) {
    i = skipSpace(text, i);
    if (text[i] === '}') return found;
    const key = readString(text, i);
    if (key === null) return found;
    i = skipSpace(text, key.end);
    if (text[i] !== ':') return found;
    i = skipSpace(text, i + 1);
    const wanted = names.has(key.value);
    const ch = text[i];
    if (ch === '"') {
      const value = readString(text, i);
      if (value === null) return found;
      if (wanted) found.strings.set(key.value, value.value);
      i = value.end;
    } else if (ch === '{' || ch === '[') {
      i = skipNested(text, i);
    } else {
      const end = scalarEnd(text, i);
      const literal = text.slice(i, end);
      if (wanted && (literal === 'true' || literal === 'false'))
        found.booleans.set(key.value, literal === 'true');
      i = end;
    }
    i = skipSpace(text, i);
    if (text[i] !== ',') return found;
    i++;
  }
  return found;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
    i++;
  return i;
}

/** A complete JSON string at `i`, or null when it is not one or is cut. */
function readString(text: string, i: number): { value: string; end: number } | null {
  if (text[i] !== '"') return null;
  const end = stringEnd(text, i);
  if (end > text.length) return null;
  try {
    return { value: JSON.parse(text.slice(i, end)) as string, end };
  } catch {
    return null;
  }
}

/** Index just past the string starting at `i` (past the text's end when it is cut). */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return text.length + 1;
}

/** Index just past the object or array starting at `i`. */
function skipNested(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '"') j = stringEnd(text, j) - 1;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}

function scalarEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && !',}] \n\r\t'.includes(text[j] as string)) j++;
  return j;
}
