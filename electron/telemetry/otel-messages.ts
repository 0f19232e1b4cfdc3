import type { TelemetryStatus } from '../../shared/contract/inspector-contract.ts';
import type { GenAiSpan } from './genai-span.ts';
import type { OtelConfig } from './otel-config.ts';

/** What the OpenTelemetry thread starts with. */
export interface OtelWorkerData {
  config: OtelConfig;
}

/** The forwarding thread → the OpenTelemetry thread: spans the analysis worker made (never records). */
export type ToOtelWorker = { type: 'spans'; spans: GenAiSpan[] } | { type: 'close' };

/** The OpenTelemetry thread → the forwarding thread. */
export type FromOtelWorker =
  /** `done`/`doneBytes`: spans (and their size, `spanSize`) taken since the last message; `changed`: the state changed. */
  | { type: 'status'; status: TelemetryStatus; done: number; doneBytes: number; changed: boolean }
  | { type: 'log'; message: string }
  | { type: 'closed'; status: TelemetryStatus };
