/**
 * Runs `work` while counting the characters of every string that `String.prototype.slice`,
 * `substring`, `concat` and `Array.prototype.join` produce: the copies a text decoder makes. A
 * decoder that rebuilds its pending line on every chunk produces strings whose lengths add up to
 * the square of the line; a linear one a small multiple of it. Counts work, not time.
 */
export function countCopiedChars(work: () => void): number {
  const { slice, substring, concat } = String.prototype;
  const { join } = Array.prototype;
  let copied = 0;
  const count = (result: string): string => {
    copied += result.length;
    return result;
  };
  String.prototype.slice = function (this: string, ...args: Parameters<typeof slice>) {
    return count(slice.apply(this, args));
  };
  String.prototype.substring = function (this: string, ...args: Parameters<typeof substring>) {
    return count(substring.apply(this, args));
  };
  String.prototype.concat = function (this: string, ...args: Parameters<typeof concat>) {
    return count(concat.apply(this, args));
  };
  Array.prototype.join = function (this: unknown[], separator?: string) {
    return count(join.call(this, separator));
  };
  try {
    work();
  } finally {
    String.prototype.slice = slice;
    String.prototype.substring = substring;
    String.prototype.concat = concat;
    Array.prototype.join = join;
  }
  return copied;
}

/** A line of `length` characters (after `prefix`) cut into `chunk`-byte pieces, then its terminator. */
export function longLinePieces(
  prefix: string,
  length: number,
  chunk: number,
  terminator: string,
): Uint8Array[] {
  const utf8 = new TextEncoder();
  const piece = utf8.encode('x'.repeat(chunk));
  const pieces = [utf8.encode(prefix)];
  for (let sent = 0; sent < length; sent += chunk) pieces.push(piece);
  pieces.push(utf8.encode(terminator));
  return pieces;
}
