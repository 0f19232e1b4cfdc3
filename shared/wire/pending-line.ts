/**
 * The unfinished last line of a stream being decoded, kept as the pieces it arrived in and joined
 * once, when its terminator comes. Concatenating on every chunk would copy the whole line again
 * for each one: quadratic in the line's length (a 100 MB line took minutes of CPU).
 */
export class PendingLine {
  #parts: string[] = [];

  /** Keeps a piece of the line (the text after the last terminator of a chunk). */
  add(part: string): void {
    if (part !== '') this.#parts.push(part);
  }

  /** The whole line: everything kept so far followed by `tail`; the buffer is left empty. */
  take(tail: string): string {
    const parts = this.#parts;
    if (parts.length === 0) return tail;
    this.#parts = [];
    if (tail !== '') parts.push(tail);
    return parts.length === 1 ? (parts[0] as string) : parts.join('');
  }

  /** Forgets the kept pieces. */
  clear(): void {
    this.#parts = [];
  }
}
