import { displayEndpoint, type OtelSettings, otelConfigFrom } from './otel-config.ts';
import { OtelThread, type OtelThreadOptions } from './otel-thread.ts';

/** Starts the OpenTelemetry export the settings and the environment (which wins) ask for; a bad setting is logged and turns it off. */
export function startOtelExport(
  env: NodeJS.ProcessEnv,
  settings: OtelSettings,
  options: OtelThreadOptions,
): { export: OtelThread | null; error: string | null } {
  try {
    const config = otelConfigFrom(env, settings);
    if (!config) return { export: null, error: null };
    const exporter = new OtelThread(config, options);
    options.log(
      `OpenTelemetry export to ${displayEndpoint(config.tracesUrl || config.metricsUrl)} (${config.protocol})${config.captureContent ? ', with message content' : ''}`,
    );
    return { export: exporter, error: null };
  } catch (error) {
    const message = `OpenTelemetry export is off: ${(error as Error).message}`;
    options.log(message);
    return { export: null, error: message };
  }
}
