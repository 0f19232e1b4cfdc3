import type { TelemetrySettings } from './inspector-contract.ts';

/** The OpenTelemetry settings before any are saved: no endpoint, so nothing is exported. */
export const NO_TELEMETRY_SETTINGS: Readonly<TelemetrySettings> = {
  endpoint: '',
  tracesEndpoint: '',
  metricsEndpoint: '',
  protocol: 'http/protobuf',
  serviceName: '',
  resourceAttributes: '',
  captureContent: false,
};
