/**
 * Analyzers for the analysis worker (loaded by URL): the defaults plus one that blocks the worker
 * thread on the second response chunk of a request whose path is `/block-the-analysis-worker/<name>`,
 * as a long parse would: it writes `<tmp>/tokentap-blocked-<name>` and holds the thread until
 * `<tmp>/tokentap-unblock-<name>` exists (30 s at most).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyzerFactory } from '../../../electron/capture/analyzer.ts';
import { defaultAnalyzers } from '../../../electron/capture/capture-pipeline.ts';
import type { CaptureLimits } from '../../../electron/capture/exchange-assembler.ts';

const PREFIX = '/block-the-analysis-worker/';

/** The files a test watches and writes for a blocking exchange named `name`. */
export function blockFiles(name: string): { blocked: string; unblock: string } {
  return {
    blocked: join(tmpdir(), `tokentap-blocked-${name}`),
    unblock: join(tmpdir(), `tokentap-unblock-${name}`),
  };
}

function holdUntil(file: string): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 30_000;
  while (!existsSync(file) && Date.now() < deadline) Atomics.wait(cell, 0, 0, 5);
}

export default function analyzers(limits: CaptureLimits): AnalyzerFactory[] {
  return [
    ...defaultAnalyzers(limits),
    () => {
      let name: string | null = null;
      let chunks = 0;
      return {
        name: 'worker-blocking',
        onRequestStart(_draft, event) {
          if (event.path.startsWith(PREFIX)) name = event.path.slice(PREFIX.length);
        },
        onResponseData() {
          if (name === null || ++chunks !== 2) return;
          const files = blockFiles(name);
          writeFileSync(files.blocked, '');
          holdUntil(files.unblock);
        },
      };
    },
  ];
}
