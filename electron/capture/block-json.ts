import { randomUUID } from 'node:crypto';
import { parseJson } from '../../shared/wire/json-fields.ts';
import { type BodyBlocks, bodyBlocks, parsedBlock, type RecentBlock } from './recent-blocks.ts';

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
 * blocks' parts are shared with other exchanges, so it is read, never changed. `blocks`: the
 * body's blocks when already cut.
 */
export function parseReusingBlocks(text: string, blocks: BodyBlocks | null = bodyBlocks(text)): unknown {
  if (blocks === null) return parseJson(text);
  const values: unknown[] = [];
  let rest = '';
  for (const piece of blocks.pieces) {
    if (!piece.block) {
      rest += piece.text;
      continue;
    }
    const parsed = parsedBlock(blocks.recents[values.length] as RecentBlock);
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
