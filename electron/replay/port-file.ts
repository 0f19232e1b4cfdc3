import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `url` (no newline) to `path` for a test suite to read: into a temporary file next to
 * it first, then renamed over it, so a reader polling for the file never sees half a URL.
 */
export async function writePortFile(path: string, url: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, url, { mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(
      `cannot write the port file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** Removes the port file when the server stops, so no later reader takes a dead URL for a live one. */
export async function removePortFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
