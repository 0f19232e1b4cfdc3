import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { splitBlocks } from '../../shared/exchange/message-blocks.ts';
import { parsedBlock, type RecentBlock, recentBlock } from '../capture/recent-blocks.ts';
import { bodyText, jsonStrings, searchableParts } from './searchable-text.ts';
import { addLowercased, orSignature, SIGNATURE_WORDS } from './trigram-signature.ts';

/** Message blocks as `splitBlocks` cuts a body. */
type Pieces = ReadonlyArray<{ text: string; block: boolean }>;

/**
 * The trigram signature of an exchange's searchable text (a superset of the trigrams of each part
 * of `searchableText(record)`). A request body cut into message blocks is signed block by block:
 * a block re-sent from an earlier turn is found among the recent blocks with its signature, so
 * the work grows with the text that is new. `split`: the body's blocks, when already cut.
 */
export function exchangeSignature(
  record: ExchangeRecord,
  split?: Pieces | null,
  recents?: readonly RecentBlock[],
): Uint32Array {
  const into = new Uint32Array(SIGNATURE_WORDS);
  const visit = (text: string): void => addLowercased(text, into);
  searchableParts(record, visit, (body) => {
    if (!signBlocks(split === undefined ? splitBlocks(body) : split, into, recents)) bodyText(body, visit);
  });
  return into;
}

/**
 * ORs in the signature of a body cut into blocks, when it is JSON: each block is a JSON value and
 * so is the rest with each block taken for ` 0 ` (then the body's strings are the blocks' and the
 * rest's). False, with nothing set, when it is not (the caller signs the body as it is).
 * `recents`: the blocks' entries among the recent blocks, in order, when already looked up.
 */
function signBlocks(pieces: Pieces | null, into: Uint32Array, recents?: readonly RecentBlock[]): boolean {
  if (pieces === null) return false;
  const blocks: RecentBlock[] = [];
  let rest = '';
  for (const piece of pieces) {
    if (!piece.block) {
      rest += piece.text;
      continue;
    }
    const block = recents?.[blocks.length] ?? recentBlock(piece.text);
    if (block.signature === undefined) block.signature = blockSignature(block);
    if (block.signature === null) return false;
    blocks.push(block);
    rest += ' 0 ';
  }
  let json: unknown;
  try {
    json = JSON.parse(rest);
  } catch {
    return false;
  }
  for (const block of blocks) orSignature(into, 0, block.signature as Uint32Array);
  jsonStrings(json, (text) => addLowercased(text, into));
  return true;
}

/** A block's signature (of its JSON strings), or null when it is not one JSON value. */
function blockSignature(block: RecentBlock): Uint32Array | null {
  const parsed = parsedBlock(block);
  if (parsed === null) return null;
  const signature = new Uint32Array(SIGNATURE_WORDS);
  jsonStrings(parsed.value, (text) => addLowercased(text, signature));
  return signature;
}
