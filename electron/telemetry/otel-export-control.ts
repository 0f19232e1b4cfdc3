import type { TelemetryStatus } from '../../shared/contract/inspector-contract.ts';
import type { FinishedExchange } from '../capture/finished-exchange.ts';
import type { OtelThread } from './otel-thread.ts';
import { startOtelExport } from './start-otel-export.ts';
import { otelSettingsOf, type SavedTelemetry } from './telemetry-settings.ts';

export interface OtelExportControlOptions {
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
  /** The export's state changed (working → failing, and back). */
  onStatus: () => void;
  /** Whether records finish with their span from now on, and with message content: null, none. */
  onSpans: (captureContent: boolean | null) => void;
}

/**
 * The OpenTelemetry export as the saved settings and the environment ask for it now: started,
 * restarted when the settings change (the old export sends what it can in the background), handed
 * each finished exchange's span, and its status (or why a setting could not be used).
 */
export class OtelExportControl {
  readonly #options: OtelExportControlOptions;
  #thread: OtelThread | null = null;
  #error: string | null = null;

  constructor(options: OtelExportControlOptions) {
    this.#options = options;
  }

  /** Starts the export the settings and the environment ask for (if any), replacing the running one. */
  start(settings: SavedTelemetry): void {
    const old = this.#thread;
    this.#thread = null;
    void old?.close();
    const { env, log, onStatus } = this.#options;
    const started = startOtelExport(env, otelSettingsOf(settings), { log, onStatus });
    this.#thread = started.export;
    this.#error = started.error;
    this.#options.onSpans(this.#thread?.captureContent ?? null);
  }

  /** Posts the exchange's span (made in the analysis worker) to the export thread, bounded. */
  offer(exchange: FinishedExchange): void {
    this.#thread?.offer(exchange);
  }

  status(): TelemetryStatus | null {
    if (this.#thread) return this.#thread.status();
    if (this.#error === null) return null;
    // A setting that could not be used: said where the failures are.
    const nothing = { exported: 0, queued: 0, dropped: 0, content: false, since: null };
    return { state: 'failing', endpoint: '', protocol: 'http/protobuf', error: this.#error, ...nothing };
  }

  /** Sends what the export holds (as far as it can) and stops it. */
  async close(): Promise<void> {
    const thread = this.#thread;
    this.#thread = null;
    await thread?.close();
  }
}
