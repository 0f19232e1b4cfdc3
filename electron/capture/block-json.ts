import { randomUUID } from 'node:crypto';
import { splitBlocks } from '../../shared/exchange/message-blocks.ts';
import { parseJson } from '../../shared/wire/json-fields.ts';
import { parsedBlock, recentBlock } from './recent-blocks.ts';

/**
 * Stands for a block in the text around the blocks. A client cannot send it by chance or on
 * purpose: it starts with NUL and holds a nonce made when the worker starts.
 */
const PLACEHOLDER = `\u0000${randomUUID()}:`;

/**
 * A request body parsed as JSON, re-using the parsed values of the message blocks it re-sends (an
 * agent's history, most of every turn): only blocks not seen lately and the text around them are
 * parsed, instead of the whole body every turn (and its whole object graph made again, to be
 * collected). The value is what `JSON.parse` gives, undefined when the body is not JSON; the
 * blocks' parts are shared with other exchanges, so it is read, never changed.
 */
export function parseReusingBlocks(text: string): unknown {
  const pieces = splitBlocks(text);
  if (pieces === null) return parseJson(text);
  const values: unknown[] = [];
  let rest = '';
  for (const piece of pieces) {
    if (!piece.block) {
      rest += piece.text;
      continue;
    }
    const parsed = parsedBlock(recentBlock(piece.text));
    if (parsed === null) return parseJson(text);
    rest += JSON.stringify(PLACEHOLDER + values.length);
    values.push(parsed.value);
  }
  const root = parseJson(rest);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return parseJson(text);
  // Blocks are elements of the top-level arrays: each placeholder is put back where it stood.
  let restored = 0;
  for (const value of Object.values(root)) {
    if (!Array.isArray(value)) continue;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'string' || !item.startsWith(PLACEHOLDER)) continue;
      value[i] = values[Number(item.slice(PLACEHOLDER.length))];
      restored++;
    }
  }
  // A body the cut misread (a key given twice keeps only its last array): parsed whole instead.
  return restored === values.length ? root : parseJson(text);
}
