/**
 * Vitest global setup: one directory in the OS temp dir for the whole run, under which every test
 * file gets a temp dir of its own (see own-temp-dir.ts). It is removed at the end, also what a
 * fork that crashed left in it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the test files' own temp dirs go for this run. */
    tempRoot: string;
  }
}

/** Makes the run's temp root and hands it to the test files; returns its removal. */
export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'tokentap-vitest-'));
  project.provide('tempRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
