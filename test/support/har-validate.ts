import { createRequire } from 'node:module';

// har-validator ships no types; this is the one call the tests use.
const validator = createRequire(import.meta.url)('har-validator') as {
  har(data: unknown): Promise<unknown>;
};

/** Resolves when the document is valid HAR 1.2; rejects with the schema errors spelled out. */
export async function expectValidHar(har: unknown): Promise<void> {
  try {
    await validator.har(har);
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    throw new Error(`invalid HAR: ${JSON.stringify(errors ?? error, null, 1)}`);
  }
}
