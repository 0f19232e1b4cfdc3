import type { TelemetryStatus } from '../../shared/contract/inspector-contract.ts';
import { displayEndpoint, type OtelConfig } from './otel-config.ts';

/** The status of an export that has sent nothing yet. */
export function initialTelemetryStatus(config: OtelConfig): TelemetryStatus {
  return {
    state: 'ok',
    endpoint: displayEndpoint(config.tracesUrl || config.metricsUrl),
    protocol: config.protocol,
    error: null,
    since: null,
    exported: 0,
    queued: 0,
    dropped: 0,
    content: config.captureContent,
  };
}
