/**
 * The text of recently seen blocks by content hash, within a byte budget (least recently used
 * out first): what lets a turn's delta show the previous value of a block that changed, and
 * what spares re-counting the tokens of blocks every turn re-sends. Thread state itself keeps
 * only hashes, so memory does not grow with body sizes.
 */
export interface StoredBlock {
  text: string;
  /** Estimated tokens, once counted. */
  tokens: number | null;
}

/** A block's text is kept only up to this many characters (a 2 MB tool result is summarised by its hash). */
const MAX_KEPT_CHARS = 256 * 1024;

export class BlockTextStore {
  readonly #blocks = new Map<string, StoredBlock>();
  readonly #budget: number;
  #chars = 0;

  /** `budgetChars`: the most characters kept in all (two bytes each in memory). */
  constructor(budgetChars = 4 * 1024 * 1024) {
    this.#budget = budgetChars;
  }

  get size(): number {
    return this.#blocks.size;
  }

  /** Characters kept now. */
  get chars(): number {
    return this.#chars;
  }

  /** The block with this hash, marked as recently used. */
  get(hash: string): StoredBlock | undefined {
    const found = this.#blocks.get(hash);
    if (found) {
      this.#blocks.delete(hash);
      this.#blocks.set(hash, found);
    }
    return found;
  }

  /** Keeps a block's text (a no-op, bar the recency, when it is kept already); returns the stored entry. */
  put(hash: string, text: string): StoredBlock {
    const found = this.get(hash);
    if (found) return found;
    const entry: StoredBlock = { text: text.length > MAX_KEPT_CHARS ? '' : text, tokens: null };
    this.#blocks.set(hash, entry);
    this.#chars += entry.text.length;
    for (const [oldest, block] of this.#blocks) {
      if (this.#chars <= this.#budget || oldest === hash) break;
      this.#blocks.delete(oldest);
      this.#chars -= block.text.length;
    }
    return entry;
  }
}
