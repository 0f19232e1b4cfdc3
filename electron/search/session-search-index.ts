import type { BlockSpan, IndexEntry } from '../sessions/session-index.ts';
import { readRecords } from '../sessions/session-index.ts';
import { searchableText } from './searchable-text.ts';
import { addSignature, mayContain, querySignature, SIGNATURE_WORDS } from './trigram-signature.ts';

/** Where an exchange's line is in its session file. */
export type SearchEntry = Pick<IndexEntry, 'offset' | 'length'> & { id: string };

/**
 * One session's search index: for each exchange its place in the session file and the trigram
 * signature of its text (256 bytes, whatever the size of its bodies). Exchanges are added as
 * the session grows; a query checks signatures, then reads back only the exchanges that may
 * match and checks their text.
 */
export class SessionSearchIndex {
  readonly #dataPath: string;
  readonly #entries: SearchEntry[] = [];
  /** Where the session's message blocks are: request bodies are stored as references to them. */
  readonly #blocks = new Map<string, BlockSpan>();
  #signatures = new Uint32Array(SIGNATURE_WORDS * 1024);

  constructor(dataPath: string) {
    this.#dataPath = dataPath;
  }

  /** Exchanges indexed so far (the next one to add is this one of the session). */
  get size(): number {
    return this.#entries.length;
  }

  /** Learns where message blocks are (the session's file only grows, so a place never changes). */
  addBlocks(blocks: Iterable<[string, BlockSpan]>): void {
    for (const [hash, span] of blocks) this.#blocks.set(hash, span);
  }

  /** Reads and indexes the session's exchanges after those indexed (in file order). */
  async add(entries: readonly SearchEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const needed = (this.#entries.length + entries.length) * SIGNATURE_WORDS;
    if (needed > this.#signatures.length) {
      const grown = new Uint32Array(Math.max(needed, this.#signatures.length * 2));
      grown.set(this.#signatures);
      this.#signatures = grown;
    }
    let at = this.#entries.length;
    for await (const record of readRecords(this.#dataPath, asIndexEntries(entries), this.#blocks)) {
      addSignature(searchableText(record), this.#signatures, at * SIGNATURE_WORDS);
      at++;
    }
    this.#entries.push(...entries);
  }

  /** The ids of the exchanges whose text holds `text` (case-insensitive), in session order. */
  async query(text: string): Promise<{ ids: string[]; candidates: number }> {
    const needle = text.toLowerCase();
    const signature = querySignature(needle);
    const candidates: SearchEntry[] = [];
    for (let i = 0; i < this.#entries.length; i++)
      if (mayContain(this.#signatures, i * SIGNATURE_WORDS, signature))
        candidates.push(this.#entries[i] as SearchEntry);
    const ids: string[] = [];
    let i = 0;
    for await (const record of readRecords(this.#dataPath, asIndexEntries(candidates), this.#blocks)) {
      if (searchableText(record).includes(needle)) ids.push((candidates[i] as SearchEntry).id);
      i++;
    }
    return { ids, candidates: candidates.length };
  }
}

/** readRecords needs only the line's place; the summary is not read. */
function asIndexEntries(entries: readonly SearchEntry[]): IndexEntry[] {
  return entries as unknown as IndexEntry[];
}
