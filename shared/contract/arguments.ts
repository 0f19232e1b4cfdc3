import * as v from 'valibot';
import { ReplayFaultSchema } from './replay-fault.ts';

/**
 * The schemas of every argument a channel takes, checked the same way whether it came over IPC
 * (whatever a compromised renderer sends) or HTTP (whatever any local program sends). The types
 * the rest of the code uses are inferred from them.
 */

// Ids are short file-name-like strings; addresses and URLs are short too.
const MAX_ID = 256;
const MAX_SETTING = 2048;
const MAX_SHORT = 4096;
const MAX_FILE_NAME = 1024;
/** The headless server's import limit, in UTF-16 code units here. */
const MAX_IMPORT_CHARS = 512 * 1024 * 1024;
/** Request bodies are edited text; keep them within what a request may reasonably be. */
const MAX_BODY_CHARS = 64 * 1024 * 1024;
const MAX_IDS = 1_000_000;

const longer = (max: number) => `is longer than ${max} characters`;
const text = (max: number) => v.pipe(v.string(), v.maxLength(max, longer(max)));

/** The form Tokentap makes session ids in: never a path, never another file's name. */
const SESSION_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[0-9a-f]{4}(?:-[A-Za-z0-9-]+)?$/;

/** True when `id` has exactly the form of a session id (never a path, never another file's name). */
export function isSessionId(id: string): boolean {
  return id.length <= 80 && SESSION_ID.test(id);
}

/** A session id, matched exactly. */
export const SessionId = v.pipe(
  v.string(),
  v.check(isSessionId, 'is not a session id (the form 2026-11-26T19-30-00-123Z-ab12)'),
);

/** A session id, or null for the current session. */
export const SessionRef = v.nullable(SessionId);

/** What a full-text search looks for. */
export const SearchText = text(MAX_SETTING);

/** A thread id. */
export const ThreadId = v.pipe(
  v.string(),
  v.minLength(1, 'must name a thread'),
  v.maxLength(MAX_ID, longer(MAX_ID)),
);

/** An exchange id. */
export const ExchangeId = v.pipe(
  v.string(),
  v.minLength(1, 'must name an exchange'),
  v.maxLength(MAX_ID, longer(MAX_ID)),
);

export const PausedFlag = v.boolean();

/** An HTTP header name (RFC 9110 token). */
export const HTTP_HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_OTLP_HEADERS = 32;
const MAX_HEADER_VALUE = 8192;
const trimmedText = (max: number) => v.pipe(v.string(), v.maxLength(max, longer(max)), v.trim());

/**
 * The OpenTelemetry export's settings as the dialog sends them. Header values are credentials:
 * only those being replaced are sent (null removes one), and no message ever quotes a value.
 */
export const TelemetrySettingsUpdateSchema = v.object({
  /** Base OTLP/HTTP endpoint, `/v1/traces` and `/v1/metrics` added ('' = none: nothing is exported). */
  endpoint: trimmedText(MAX_SETTING),
  /** One signal's full URL, used as is ('' = from `endpoint`). */
  tracesEndpoint: trimmedText(MAX_SETTING),
  metricsEndpoint: trimmedText(MAX_SETTING),
  protocol: v.picklist(['http/protobuf', 'http/json']),
  /** The resource's `service.name` ('' = `tokentap`). */
  serviceName: trimmedText(MAX_SETTING),
  /** More resource attributes, `key=value,…` as in `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes: trimmedText(MAX_SETTING),
  /** Prompts and answers go on the spans too. */
  captureContent: v.boolean('must be true or false'),
  /** Header name → new value, or null to remove it; headers not named keep their saved value. */
  headers: v.optional(
    v.pipe(
      v.record(
        v.pipe(
          v.string(),
          v.maxLength(256, longer(256)),
          v.regex(HTTP_HEADER_NAME, 'is not an HTTP header name'),
        ),
        v.nullable(
          v.pipe(
            v.string('must be text (null removes the header)'),
            v.trim(),
            v.minLength(1, 'must be text (null removes the header)'),
            v.maxLength(MAX_HEADER_VALUE, longer(MAX_HEADER_VALUE)),
            v.regex(/^[^\r\n\0]*$/, 'is not a valid header value'),
          ),
        ),
        'must be an object of header name → value or null',
      ),
      v.check(
        (headers) => Object.keys(headers).length <= MAX_OTLP_HEADERS,
        `has over ${MAX_OTLP_HEADERS} headers`,
      ),
    ),
  ),
});
export type TelemetrySettingsUpdate = v.InferOutput<typeof TelemetrySettingsUpdateSchema>;

export const SettingsSchema = v.object({
  listenAddr: text(MAX_SETTING),
  upstream: text(MAX_SETTING),
  /** Web page origins allowed to call the proxy, comma-separated; absent in an update: unchanged. */
  allowedOrigins: v.optional(text(MAX_SETTING)),
  /** Routes added or overridden, `name=url,name=url`; absent in an update: unchanged. */
  routes: v.optional(text(MAX_SETTING)),
  /** The OpenTelemetry export; absent in an update: unchanged. Applying it restarts the export. */
  telemetry: v.optional(TelemetrySettingsUpdateSchema),
});
export type Settings = v.InferOutput<typeof SettingsSchema>;

export const ExportFormatSchema = v.picklist(['har', 'jsonl']);
export type ExportFormat = v.InferOutput<typeof ExportFormatSchema>;

export const ExportRequestSchema = v.object({
  format: ExportFormatSchema,
  /** Session id; null for the current session. */
  session: SessionRef,
  /** Only these exchanges (the filtered rows); null for all. */
  ids: v.nullable(
    v.pipe(
      v.array(ExchangeId, 'must be an array of strings or null'),
      v.maxLength(MAX_IDS, `has over ${MAX_IDS} ids`),
    ),
  ),
});
export type ExportRequest = v.InferOutput<typeof ExportRequestSchema>;

export const ImportFileSchema = v.object({ name: text(MAX_FILE_NAME), content: text(MAX_IMPORT_CHARS) });
export type ImportFile = v.InferOutput<typeof ImportFileSchema>;

export const ReplayStartRequestSchema = v.object({
  /** Session id to replay; null for the current session (as it is now). */
  session: v.optional(SessionRef, null),
  /** Recorded pace times this factor; 0 sends everything as fast as possible. */
  speed: v.optional(
    v.pipe(
      v.number('must be 0 (as fast as possible) or a positive number'),
      v.finite('must be 0 (as fast as possible) or a positive number'),
      v.minValue(0, 'must be 0 (as fast as possible) or a positive number'),
    ),
    1,
  ),
  /** Forward requests no recording matches to the upstream (and capture them) instead of answering 404. */
  fallthrough: v.optional(v.boolean(), false),
  faults: v.optional(v.array(ReplayFaultSchema), () => []),
  /** Top-level request body fields ignored when matching; null for the defaults (`user`, `metadata`…). */
  ignoredFields: v.optional(
    v.nullable(v.array(text(MAX_SHORT), 'must be an array of field names, or null for the defaults')),
  ),
});
export type ReplayStartRequest = v.InferOutput<typeof ReplayStartRequestSchema>;

/** Send a captured request again to the live upstream, optionally edited. */
export const ResendRequestSchema = v.pipe(
  v.object({
    id: ExchangeId,
    /** The session the exchange is in; null for the current one. */
    session: v.optional(SessionRef, null),
    /** Replaces the captured request body. */
    body: v.optional(text(MAX_BODY_CHARS)),
    /** Replaces the body's top-level `model` ('' or absent: unchanged). */
    model: v.optional(text(MAX_SHORT)),
    /** The key to send; else the environment's (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`…). Never stored. */
    apiKey: v.optional(text(MAX_SHORT)),
  }),
  v.transform(({ id, session, body, model, apiKey }) => ({
    id,
    session,
    ...(body === undefined ? {} : { body }),
    ...(model ? { model } : {}),
    ...(apiKey ? { apiKey } : {}),
  })),
);
export type ResendRequest = v.InferOutput<typeof ResendRequestSchema>;
