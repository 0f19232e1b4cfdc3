import type { TelemetryStatus } from '../../shared/inspector-contract.ts';
import type { FinishedExchange } from '../capture/finished-exchange.ts';
import type { OtelConfig } from './otel-config.ts';

/** What the OpenTelemetry thread starts with. */
export interface OtelWorkerData {
  config: OtelConfig;
}

/** The forwarding thread → the OpenTelemetry thread. */
export type ToOtelWorker = { type: 'records'; json: FinishedExchange[] } | { type: 'close' };

/** The OpenTelemetry thread → the forwarding thread. */
export type FromOtelWorker =
  /** `done`/`doneBytes`: records (and their JSON's length) taken since the last message; `changed`: the state changed. */
  | { type: 'status'; status: TelemetryStatus; done: number; doneBytes: number; changed: boolean }
  | { type: 'log'; message: string }
  | { type: 'closed'; status: TelemetryStatus };
