/**
 * The OpenTelemetry export's settings as the settings dialog edits them and the settings file
 * keeps them. Header values are credentials (Langfuse's Basic auth, Datadog's API key): they are
 * kept in the settings file (mode 600) and handed to the exporter, never sent back to the
 * renderer, never put in an error message or the log.
 */

import { HTTP_HEADER_NAME } from '../../shared/contract/arguments.ts';
import type {
  TelemetrySettings,
  TelemetrySettingsUpdate,
  TelemetrySettingsView,
} from '../../shared/contract/inspector-contract.ts';
import { NO_TELEMETRY_SETTINGS } from '../../shared/contract/telemetry-settings.ts';
import { envSetsEndpoint, type OtelSettings } from './otel-config.ts';

/** The telemetry part of the settings file: the dialog's fields and the header values. */
export interface SavedTelemetry extends TelemetrySettings {
  headers: Record<string, string>;
}

/** Reads the saved part of the settings file, keeping what is well-formed (a hand-edited file may not be). */
export function savedTelemetryFrom(raw: unknown): SavedTelemetry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ...NO_TELEMETRY_SETTINGS, headers: {} };
  const value = raw as Record<string, unknown>;
  const text = (key: keyof TelemetrySettings): string =>
    typeof value[key] === 'string' ? (value[key] as string) : '';
  const headers: Record<string, string> = {};
  if (typeof value.headers === 'object' && value.headers !== null && !Array.isArray(value.headers))
    for (const [name, header] of Object.entries(value.headers as Record<string, unknown>))
      if (HTTP_HEADER_NAME.test(name) && typeof header === 'string' && !/[\r\n\0]/.test(header))
        headers[name] = header;
  return {
    endpoint: text('endpoint'),
    tracesEndpoint: text('tracesEndpoint'),
    metricsEndpoint: text('metricsEndpoint'),
    protocol: value.protocol === 'http/json' ? 'http/json' : 'http/protobuf',
    serviceName: text('serviceName'),
    resourceAttributes: text('resourceAttributes'),
    captureContent: value.captureContent === true,
    headers,
  };
}

/** The saved settings with an update applied: fields replaced, headers replaced or removed by name. */
export function applyTelemetryUpdate(saved: SavedTelemetry, update: TelemetrySettingsUpdate): SavedTelemetry {
  const headers = { ...saved.headers };
  for (const [name, value] of Object.entries(update.headers ?? {})) {
    // Header names are case-insensitive: a replacement takes the old spelling's place.
    for (const existing of Object.keys(headers))
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    if (value !== null) headers[name] = value;
  }
  const { headers: _changes, ...fields } = update;
  return { ...fields, headers };
}

/** What the exporter's configuration takes from the saved settings (the environment wins over each). */
export function otelSettingsOf(saved: SavedTelemetry): OtelSettings {
  return {
    endpoint: saved.endpoint,
    tracesEndpoint: saved.tracesEndpoint,
    metricsEndpoint: saved.metricsEndpoint,
    protocol: saved.protocol,
    serviceName: saved.serviceName,
    resourceAttributes: saved.resourceAttributes,
    captureContent: saved.captureContent,
    headers: saved.headers,
  };
}

/** What the dialog is shown: the fields, the header names only, and which fields the environment overrides. */
export function telemetrySettingsView(saved: SavedTelemetry, env: NodeJS.ProcessEnv): TelemetrySettingsView {
  const set = (name: string) => (env[name]?.trim() ?? '') !== '';
  const fromEnvironment: TelemetrySettingsView['fromEnvironment'] = [];
  if (envSetsEndpoint(env)) fromEnvironment.push('endpoint', 'tracesEndpoint', 'metricsEndpoint');
  if (set('OTEL_EXPORTER_OTLP_PROTOCOL') || set('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'))
    fromEnvironment.push('protocol');
  if (set('OTEL_SERVICE_NAME')) fromEnvironment.push('serviceName');
  if (set('OTEL_RESOURCE_ATTRIBUTES')) fromEnvironment.push('resourceAttributes');
  if (set('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT')) fromEnvironment.push('captureContent');
  if (set('OTEL_EXPORTER_OTLP_HEADERS')) fromEnvironment.push('headers');
  const { headers, ...fields } = saved;
  return { ...fields, headerNames: Object.keys(headers), fromEnvironment };
}
