import type { BlockSpan, IndexEntry } from '../sessions/session-index.ts';
import { readRecords } from '../sessions/session-index.ts';
import { exchangeSignature } from './exchange-signature.ts';
import {
  entryHolds,
  readSidecar,
  saveSidecar,
  setEntry,
  sidecarPath,
  sidecarWords,
  signatureAt,
} from './search-sidecar.ts';
import { searchableText } from './searchable-text.ts';
import { mayContain, querySignature } from './trigram-signature.ts';

/** Exchanges of a session in file order: each line's offset and length (two numbers each), and its id. */
export interface SearchEntries {
  spans: Float64Array;
  ids: string[];
}

/** How the signatures of exchanges just added were had. */
export interface Added {
  /** Taken from the session's sidecar. */
  loaded: number;
  /** Rebuilt by reading their records back (none in the sidecar, or not believed). */
  rebuilt: number;
}

/**
 * One session's search index: for each exchange its place in the session file and the trigram
 * signature of its text (268 bytes, whatever the size of its bodies), laid out as the session's
 * sidecar file is. Exchanges are added as the session grows, their signatures read from the
 * sidecar (checked entry by entry) or, where it lacks them, from the records (then saved, once
 * nobody writes the session any more). A query checks signatures, then reads back only the
 * exchanges that may match and checks their text.
 */
export class SessionSearchIndex {
  readonly #dataPath: string;
  readonly #sidecarPath: string;
  #spans = new Float64Array(2 * 1024);
  readonly #ids: string[] = [];
  /** Where the session's message blocks are: request bodies are stored as references to them. */
  readonly #blocks = new Map<string, BlockSpan>();
  #words = new Uint32Array(sidecarWords(1024));
  /** How many of the entries the sidecar file holds as they are here. */
  #saved = 0;
  /** Saving the sidecar failed (an unwritable folder): not tried again, search answers from memory. */
  #unsaveable = false;

  constructor(dataPath: string) {
    this.#dataPath = dataPath;
    this.#sidecarPath = sidecarPath(dataPath);
  }

  /** Exchanges indexed so far (the next one to add is this one of the session). */
  get size(): number {
    return this.#ids.length;
  }

  /** Learns where message blocks are (the session's file only grows, so a place never changes). */
  addBlocks(blocks: Iterable<[string, BlockSpan]>): void {
    for (const [hash, span] of blocks) this.#blocks.set(hash, span);
  }

  /**
   * Indexes the session's exchanges after those indexed (in file order); with `save` (nobody
   * writes the session any more), saves the sidecar when it lacked any of them.
   */
  async add(added: SearchEntries, save: boolean): Promise<Added> {
    const from = this.size;
    const count = added.ids.length;
    this.#grow(from + count);
    this.#spans.set(added.spans.subarray(0, 2 * count), 2 * from);
    for (const id of added.ids) this.#ids.push(id);
    const whole = await readSidecar(this.#sidecarPath, this.#words, from, count);
    /** The exchanges whose entry is not there, or not believed. */
    const missing: number[] = [];
    for (let i = from; i < from + count; i++)
      if (i - from >= whole || !entryHolds(this.#words, i, this.#spans[2 * i] as number)) missing.push(i);
    if (this.#saved === from && missing.length === 0) this.#saved += count;
    let k = 0;
    for await (const record of readRecords(
      this.#dataPath,
      missing.map((i) => this.#entry(i)),
      this.#blocks,
    )) {
      const i = missing[k++] as number;
      setEntry(this.#words, i, this.#spans[2 * i] as number, exchangeSignature(record));
    }
    if (save && this.#saved < this.size && !this.#unsaveable) {
      await saveSidecar(this.#sidecarPath, this.#words, this.size).then(
        () => {
          this.#saved = this.size;
        },
        () => {
          this.#unsaveable = true;
        },
      );
    }
    return { loaded: count - missing.length, rebuilt: missing.length };
  }

  /** The ids of the exchanges whose text holds `text` (case-insensitive), in session order. */
  async query(text: string): Promise<{ ids: string[]; candidates: number }> {
    const needle = text.toLowerCase();
    const signature = querySignature(needle);
    const candidates: number[] = [];
    for (let i = 0; i < this.size; i++)
      if (mayContain(this.#words, signatureAt(i), signature)) candidates.push(i);
    const entries = candidates.map((i) => this.#entry(i));
    const ids: string[] = [];
    let i = 0;
    for await (const record of readRecords(this.#dataPath, entries, this.#blocks)) {
      if (searchableText(record).includes(needle)) ids.push(this.#ids[candidates[i] as number] as string);
      i++;
    }
    return { ids, candidates: candidates.length };
  }

  #grow(size: number): void {
    if (sidecarWords(size) > this.#words.length) {
      const grown = new Uint32Array(Math.max(sidecarWords(size), this.#words.length * 2));
      grown.set(this.#words);
      this.#words = grown;
    }
    if (2 * size > this.#spans.length) {
      const grown = new Float64Array(Math.max(2 * size, this.#spans.length * 2));
      grown.set(this.#spans);
      this.#spans = grown;
    }
  }

  /** readRecords needs only the line's place; the summary is not read. */
  #entry(i: number): IndexEntry {
    return { offset: this.#spans[2 * i], length: this.#spans[2 * i + 1] } as IndexEntry;
  }
}
