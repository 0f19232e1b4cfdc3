import { useId, useState } from 'react';
import type {
  TelemetrySettings,
  TelemetrySettingsUpdate,
  TelemetrySettingsView,
} from '../../../shared/contract/inspector-contract.ts';
import { NO_TELEMETRY_SETTINGS } from '../../../shared/contract/telemetry-settings.ts';
import './otel-settings.css';

const NONE: TelemetrySettingsView = { ...NO_TELEMETRY_SETTINGS, headerNames: [], fromEnvironment: [] };

/** The OpenTelemetry part of the settings dialog while it is edited: the fields and the header changes. */
export interface OtelDraft {
  saved: TelemetrySettingsView;
  fields: TelemetrySettings;
  setField<K extends keyof TelemetrySettings>(key: K, value: TelemetrySettings[K]): void;
  /** Header name → new value, or null to remove it; names not here keep their saved value. */
  headers: Record<string, string | null>;
  setHeader(name: string, value: string | null): void;
  /** Forgets a change to one header (it keeps its saved value). */
  keepHeader(name: string): void;
  /** What the settings update carries. */
  update(): TelemetrySettingsUpdate;
}

/** The draft of the OpenTelemetry settings, from what the main side reports (header values never included). */
export function useOtelDraft(view: TelemetrySettingsView | undefined): OtelDraft {
  const saved = view ?? NONE;
  const [fields, setFields] = useState<TelemetrySettings>(() => {
    const { headerNames: _names, fromEnvironment: _env, ...rest } = saved;
    return rest;
  });
  const [headers, setHeaders] = useState<Record<string, string | null>>({});
  return {
    saved,
    fields,
    setField: (key, value) => setFields((current) => ({ ...current, [key]: value })),
    headers,
    setHeader: (name, value) => setHeaders((current) => ({ ...current, [name]: value })),
    keepHeader: (name) =>
      setHeaders((current) => {
        const { [name]: _dropped, ...rest } = current;
        return rest;
      }),
    update: () => {
      const changes: Record<string, string | null> = {};
      for (const [name, value] of Object.entries(headers)) {
        const trimmed = name.trim();
        // A new header left empty is no change; a saved one emptied is not cleared by accident either.
        if (trimmed !== '' && (value === null || value.trim() !== '')) changes[trimmed] = value;
      }
      const update: TelemetrySettingsUpdate = {
        ...fields,
        endpoint: fields.endpoint.trim(),
        tracesEndpoint: fields.tracesEndpoint.trim(),
        metricsEndpoint: fields.metricsEndpoint.trim(),
        serviceName: fields.serviceName.trim(),
        resourceAttributes: fields.resourceAttributes.trim(),
      };
      if (Object.keys(changes).length > 0) update.headers = changes;
      return update;
    },
  };
}

/**
 * The OpenTelemetry export's settings: endpoint(s), protocol, service name, resource attributes,
 * headers and the content opt-in. Header values are credentials: the dialog is told only which
 * headers are set, and can replace or clear them; a value typed here is sent once, on save.
 */
export function OtelSettingsFields({ draft }: { draft: OtelDraft }) {
  const id = useId();
  const { fields, saved } = draft;
  const fromEnv = (key: TelemetrySettingsView['fromEnvironment'][number]) =>
    saved.fromEnvironment.includes(key) ? (
      <span className="otel-env-note"> (set by the environment for this run: it wins)</span>
    ) : null;
  const text = (key: keyof TelemetrySettings, label: string, placeholder: string, help?: string) => (
    <>
      <label htmlFor={`${id}-${key}`}>
        {label}
        {fromEnv(key)}
      </label>
      <input
        id={`${id}-${key}`}
        value={fields[key] as string}
        onChange={(e) => draft.setField(key, e.target.value)}
        placeholder={placeholder}
        aria-describedby={help ? `${id}-${key}-help` : undefined}
        spellCheck={false}
      />
      {help && (
        <p id={`${id}-${key}-help`} className="help">
          {help}
        </p>
      )}
    </>
  );
  return (
    <fieldset className="otel-settings">
      <legend>OpenTelemetry export</legend>
      {text(
        'endpoint',
        'OTLP endpoint',
        'http://localhost:4318',
        'OTLP/HTTP base URL (/v1/traces and /v1/metrics are added). Empty: nothing is exported.',
      )}
      {text('tracesEndpoint', 'Traces endpoint', 'http://collector:4318/v1/traces', 'Optional: used as is.')}
      {text(
        'metricsEndpoint',
        'Metrics endpoint',
        'http://collector:4318/v1/metrics',
        'Optional: used as is.',
      )}
      <label htmlFor={`${id}-protocol`}>
        Protocol
        {fromEnv('protocol')}
      </label>
      <select
        id={`${id}-protocol`}
        value={fields.protocol}
        onChange={(e) =>
          draft.setField('protocol', e.target.value === 'http/json' ? 'http/json' : 'http/protobuf')
        }
      >
        <option value="http/protobuf">http/protobuf</option>
        <option value="http/json">http/json</option>
      </select>
      {text('serviceName', 'Service name', 'tokentap')}
      {text(
        'resourceAttributes',
        'Resource attributes',
        'deployment.environment=ci,team=ml',
        'key=value pairs, comma-separated.',
      )}
      <OtelHeaders draft={draft} fromEnv={fromEnv('headers')} />
      <label className="otel-checkbox" htmlFor={`${id}-content`}>
        <input
          id={`${id}-content`}
          type="checkbox"
          checked={fields.captureContent}
          onChange={(e) => draft.setField('captureContent', e.target.checked)}
        />
        Send message content (prompts and answers, secrets redacted)
        {fromEnv('captureContent')}
      </label>
    </fieldset>
  );
}

/** Saved headers by name (values withheld) with Replace and Clear, and a row to add one. */
function OtelHeaders({ draft, fromEnv }: { draft: OtelDraft; fromEnv: React.ReactNode }) {
  const [newName, setNewName] = useState('');
  const [newValue, setNewValue] = useState('');
  const savedNames = new Set(draft.saved.headerNames.map((name) => name.toLowerCase()));
  const added = Object.entries(draft.headers).filter(([name]) => !savedNames.has(name.toLowerCase()));
  return (
    <fieldset className="otel-headers">
      <legend className="otel-headers-title">
        Headers
        {fromEnv}
      </legend>
      <p className="help">
        Sent with every export (Authorization for Langfuse, DD-API-KEY …). Values are never shown.
      </p>
      <ul>
        {draft.saved.headerNames.map((name) => {
          const change = draft.headers[name];
          return (
            <li key={name}>
              <code>{name}</code>
              {change === null ? (
                <>
                  <span className="help"> will be removed</span>
                  <button type="button" className="tool-button" onClick={() => draft.keepHeader(name)}>
                    Keep
                  </button>
                </>
              ) : change === undefined ? (
                <>
                  <span className="help"> set</span>
                  <button type="button" className="tool-button" onClick={() => draft.setHeader(name, '')}>
                    Replace
                  </button>
                  <button type="button" className="tool-button" onClick={() => draft.setHeader(name, null)}>
                    Clear
                  </button>
                </>
              ) : (
                <>
                  <input
                    type="password"
                    autoComplete="off"
                    aria-label={`New value of ${name}`}
                    value={change}
                    onChange={(e) => draft.setHeader(name, e.target.value)}
                  />
                  <button type="button" className="tool-button" onClick={() => draft.keepHeader(name)}>
                    Keep the old value
                  </button>
                </>
              )}
            </li>
          );
        })}
        {added.map(([name]) => (
          <li key={name}>
            <code>{name}</code>
            <span className="help"> will be added</span>
            <button type="button" className="tool-button" onClick={() => draft.keepHeader(name)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div className="otel-header-add">
        <input
          aria-label="Header name"
          placeholder="Authorization"
          value={newName}
          onChange={(e) => setNewName(e.target.value)}
          spellCheck={false}
        />
        <input
          type="password"
          autoComplete="off"
          aria-label="Header value"
          placeholder="value"
          value={newValue}
          onChange={(e) => setNewValue(e.target.value)}
        />
        <button
          type="button"
          className="tool-button"
          disabled={newName.trim() === '' || newValue.trim() === ''}
          onClick={() => {
            draft.setHeader(newName.trim(), newValue);
            setNewName('');
            setNewValue('');
          }}
        >
          Add header
        </button>
      </div>
    </fieldset>
  );
}
