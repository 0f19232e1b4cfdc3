import type { TelemetryStatus } from '../../shared/inspector-contract.ts';
import type { OtelConfig } from './otel-config.ts';

/** What the OpenTelemetry thread starts with. */
export interface OtelWorkerData {
  config: OtelConfig;
}

/** The forwarding thread → the OpenTelemetry thread. */
export type ToOtelWorker = { type: 'records'; json: string[] } | { type: 'close' };

/** The OpenTelemetry thread → the forwarding thread. */
export type FromOtelWorker =
  /** `done`: records taken since the last message; `changed`: the state changed (broadcast it). */
  | { type: 'status'; status: TelemetryStatus; done: number; changed: boolean }
  | { type: 'log'; message: string }
  | { type: 'closed'; status: TelemetryStatus };
