/**
 * A local OTLP/HTTP receiver on 127.0.0.1:0 (plain `node:http`) that decodes what it receives with
 * a decoder independent of the exporter: `http/json` as plain JSON, `http/protobuf` with protobufjs
 * and the OTLP `.proto` definitions of the opentelemetry-proto repository
 * (test/fixtures/otlp-proto/). It can refuse connections, answer 503 or stall, to act as an
 * endpoint that is down.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import protobuf from 'protobufjs';

const PROTO_DIR = join(import.meta.dirname, '..', 'fixtures', 'otlp-proto');

/** A span as received, its attribute values plain (ints as numbers, arrays as arrays). */
export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  /** The parent span's id, '' for a root span. */
  parentSpanId: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  resource: Record<string, unknown>;
  scope: string;
}

export interface ReceivedHistogramPoint {
  attributes: Record<string, unknown>;
  count: number;
  sum: number;
  explicitBounds: number[];
}

export interface ReceivedMetric {
  name: string;
  unit: string;
  points: ReceivedHistogramPoint[];
}

export type ReceiverMode = 'ok' | '503' | 'stall';

export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly metrics: ReceivedMetric[];
  /** Every request body as it arrived (to search for secrets). */
  readonly raw: Buffer[];
  /** Content types seen (`application/x-protobuf`, `application/json`). */
  readonly contentTypes: string[];
  /** The headers of each request taken (`authorization` as the exporter sent it). */
  readonly requestHeaders: IncomingMessage['headers'][];
  /** Requests answered 503, and requests being held (stall). */
  readonly refused503: number;
  readonly stalled: number;
  mode: ReceiverMode;
  /** Answer `/v1/metrics` with this status instead (a trace-only backend answers 404); null: take them. */
  metricsAnswer: number | null;
  /** Metrics requests answered with `metricsAnswer`. */
  readonly metricsRefused: number;
  /** Stops listening: connections are refused until `listenAgain`. */
  stopListening(): Promise<void>;
  listenAgain(): Promise<void>;
  /** Ends the held requests (their sockets destroyed). */
  releaseStalled(): void;
  close(): Promise<void>;
}

let rootPromise: Promise<protobuf.Root> | null = null;

function protoRoot(): Promise<protobuf.Root> {
  rootPromise ??= (async () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    await root.load(
      [
        'opentelemetry/proto/collector/trace/v1/trace_service.proto',
        'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
      ],
      { keepCase: false },
    );
    return root;
  })();
  return rootPromise;
}

/** Starts the receiver. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const root = await protoRoot();
  const traceRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  const metricsRequest = root.lookupType(
    'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  );
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const raw: Buffer[] = [];
  const contentTypes: string[] = [];
  const requestHeaders: IncomingMessage['headers'][] = [];
  const sockets = new Set<Socket>();
  const held: ServerResponse[] = [];
  const counts = { refused503: 0, stalled: 0, metricsRefused: 0 };
  let mode: ReceiverMode = 'ok';
  let metricsAnswer: number | null = null;

  const decode = (req: IncomingMessage, body: Buffer): void => {
    const json = (req.headers['content-type'] ?? '').includes('json');
    const path = req.url ?? '';
    const message = json
      ? (JSON.parse(body.toString('utf8')) as unknown)
      : (path.endsWith('/v1/traces') ? traceRequest : metricsRequest).toObject(
          (path.endsWith('/v1/traces') ? traceRequest : metricsRequest).decode(body),
          { longs: String, bytes: Array, defaults: false, arrays: true },
        );
    if (path.endsWith('/v1/traces')) spans.push(...spansOf(message));
    else metrics.push(...metricsOf(message));
  };

  const server = createServer((req, res) => {
    const pieces: Buffer[] = [];
    req.on('data', (piece: Buffer) => pieces.push(piece));
    req.on('end', () => {
      const body = Buffer.concat(pieces);
      if (metricsAnswer !== null && (req.url ?? '').endsWith('/v1/metrics')) {
        counts.metricsRefused++;
        res.writeHead(metricsAnswer, { 'content-type': 'text/plain' }).end('no metrics here');
        return;
      }
      if (mode === '503') {
        counts.refused503++;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('collector overloaded');
        return;
      }
      if (mode === 'stall') {
        counts.stalled++;
        held.push(res);
        return;
      }
      raw.push(body);
      contentTypes.push(req.headers['content-type'] ?? '');
      requestHeaders.push(req.headers);
      try {
        decode(req, body);
      } catch (error) {
        res.writeHead(400).end(String(error));
        return;
      }
      const json = (req.headers['content-type'] ?? '').includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : Buffer.alloc(0));
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  const destroyAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    metrics,
    raw,
    contentTypes,
    requestHeaders,
    get refused503() {
      return counts.refused503;
    },
    get stalled() {
      return counts.stalled;
    },
    get mode() {
      return mode;
    },
    get metricsAnswer() {
      return metricsAnswer;
    },
    set metricsAnswer(status: number | null) {
      metricsAnswer = status;
    },
    get metricsRefused() {
      return counts.metricsRefused;
    },
    set mode(next: ReceiverMode) {
      mode = next;
    },
    async stopListening() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      destroyAll();
      await closed;
    },
    async listenAgain() {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    releaseStalled() {
      for (const res of held.splice(0)) res.socket?.destroy();
    },
    async close() {
      destroyAll();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Json = Record<string, unknown>;

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

/** An OTLP AnyValue, as JSON or protobufjs gives it, as a plain value. */
function anyValue(value: unknown): unknown {
  const v = (value ?? {}) as Json;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return list((v.arrayValue as Json).values).map(anyValue);
  if ('kvlistValue' in v) return attributes((v.kvlistValue as Json).values);
  return undefined;
}

function attributes(kvs: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list(kvs)) out[kv.key as string] = anyValue(kv.value);
  return out;
}

/** Ids arrive as hex text in JSON and as bytes from protobuf. */
function hexId(id: unknown): string {
  if (typeof id === 'string') return id;
  return Buffer.from(id as number[]).toString('hex');
}

function spansOf(message: unknown): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of list((message as Json).resourceSpans)) {
    const resource = attributes((rs.resource as Json | undefined)?.attributes);
    for (const ss of list(rs.scopeSpans))
      for (const span of list(ss.spans))
        out.push({
          name: span.name as string,
          traceId: hexId(span.traceId),
          spanId: hexId(span.spanId),
          parentSpanId: span.parentSpanId === undefined ? '' : hexId(span.parentSpanId),
          kind: Number(span.kind ?? 0),
          startTimeUnixNano: BigInt(span.startTimeUnixNano as string),
          endTimeUnixNano: BigInt(span.endTimeUnixNano as string),
          attributes: attributes(span.attributes),
          status: {
            code: Number((span.status as Json | undefined)?.code ?? 0),
            ...((span.status as Json | undefined)?.message
              ? { message: (span.status as Json).message as string }
              : {}),
          },
          resource,
          scope: ((ss.scope as Json | undefined)?.name as string) ?? '',
        });
  }
  return out;
}

function metricsOf(message: unknown): ReceivedMetric[] {
  const out: ReceivedMetric[] = [];
  for (const rm of list((message as Json).resourceMetrics))
    for (const sm of list(rm.scopeMetrics))
      for (const metric of list(sm.metrics)) {
        const histogram = metric.histogram as Json | undefined;
        out.push({
          name: metric.name as string,
          unit: (metric.unit as string) ?? '',
          points: list(histogram?.dataPoints).map((point) => ({
            attributes: attributes(point.attributes),
            count: Number(point.count),
            sum: Number(point.sum),
            explicitBounds: list(point.explicitBounds).map(Number),
          })),
        });
      }
  return out;
}
