import type { TelemetryStatus } from '../../../shared/contract/inspector-contract.ts';

/** Says when the OpenTelemetry export fails (the endpoint's error), and what waits or was dropped. */
export function TelemetryNote({ telemetry }: { telemetry: TelemetryStatus | null | undefined }) {
  if (!telemetry || telemetry.state === 'ok') return null;
  const where = telemetry.endpoint || 'the OTLP endpoint';
  const text = `OpenTelemetry export to ${where} failing: ${telemetry.error ?? 'unknown error'}. Retrying by itself; ${telemetry.queued} waiting, ${telemetry.dropped} dropped. Traffic and capture are not affected.`;
  return (
    <span className="proxy-status down telemetry-status" role="alert" title={text}>
      <span className="dot" aria-hidden="true" />
      <span className="proxy-status-text">Export failing: {telemetry.error ?? 'unknown error'}</span>
    </span>
  );
}
