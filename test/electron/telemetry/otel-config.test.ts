import { describe, expect, it } from 'vitest';
import { displayEndpoint, otelConfigFrom } from '../../../electron/telemetry/otel-config.ts';

describe('otelConfigFrom (the standard OTLP variables)', () => {
  it('exports nothing without an endpoint', () => {
    expect(otelConfigFrom({})).toBeNull();
    expect(otelConfigFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeNull();
  });

  it('adds the signal paths to the base endpoint; takes a signal endpoint as it is', () => {
    const config = otelConfigFrom({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://cloud.langfuse.com/api/public/otel/',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://collector:4318/custom/metrics',
    });
    expect(config).toMatchObject({
      tracesUrl: 'https://cloud.langfuse.com/api/public/otel/v1/traces',
      metricsUrl: 'http://collector:4318/custom/metrics',
      protocol: 'http/protobuf',
      serviceName: 'tokentap',
      captureContent: false,
    });
  });

  it('reads headers and resource attributes percent-decoded, the service name, the protocol and the content opt-in', () => {
    const config = otelConfigFrom({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20cGs6c2s=, x-team = ml',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'ci-agents',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'TRUE',
    });
    expect(config).toMatchObject({
      headers: { Authorization: 'Basic cGs6c2s=', 'x-team': 'ml' },
      protocol: 'http/json',
      serviceName: 'ci-agents',
      resourceAttributes: { 'deployment.environment': 'ci' },
      captureContent: true,
    });
    expect(
      otelConfigFrom({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
      })?.captureContent,
    ).toBe(false);
  });

  it('refuses gRPC and a bad URL in words, and never repeats a header value', () => {
    expect(() =>
      otelConfigFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).toThrow(/grpc is not supported: use http\/protobuf/);
    expect(() => otelConfigFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' })).toThrow(/must be http/);
    expect(() =>
      otelConfigFrom({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'sk-secret-value',
      }),
    ).toThrow(/^OTEL_EXPORTER_OTLP_HEADERS: item 1 is not key=value$/);
  });

  it('shows the endpoint without a password or query values', () => {
    expect(displayEndpoint('https://user:s3cret@otel.example/v1/traces?api_key=abc123')).toBe(
      'https://otel.example/v1/traces?api_key=…',
    );
    expect(displayEndpoint('http://localhost:4318/v1/traces')).toBe('http://localhost:4318/v1/traces');
  });
});
