import { blockLine } from '../../shared/exchange/message-blocks.ts';
import { type FinishedExchange, lineBytes } from '../capture/finished-exchange.ts';
import { SidecarBuilder } from '../search/search-sidecar.ts';
import { blockIndexLine, indexLine } from './session-index.ts';

/**
 * The data and index lines of a session file written from start to end in one go (an import):
 * each message block's line once, before the first record that refers to it; and its search
 * sidecar, saved at the end.
 */
export class SessionLines {
  #offset = 0;
  readonly #blocks = new Set<string>();
  /** The search sidecar's entries, one per exchange added. */
  readonly sidecar = new SidecarBuilder();

  /**
   * What one more exchange adds: to the data file its block lines (`blocks`, text) then its line
   * (bytes), and to the index `index`.
   */
  add(exchange: FinishedExchange): { blocks: string; line: Uint8Array | string; index: string } {
    let data = '';
    let index = '';
    for (const { hash, text } of exchange.blocks ?? []) {
      if (this.#blocks.has(hash)) continue;
      this.#blocks.add(hash);
      const line = `${blockLine(hash, text)}\n`;
      const length = Buffer.byteLength(line);
      data += line;
      index += blockIndexLine(hash, { offset: this.#offset, length });
      this.#offset += length;
    }
    const { line } = exchange;
    const length = lineBytes(line);
    this.sidecar.add(this.#offset, exchange.signature);
    index += indexLine(this.#offset, length, exchange.summaryJson);
    this.#offset += length;
    return { blocks: data, line, index };
  }
}
