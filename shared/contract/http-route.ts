/**
 * How a channel travels over the headless server's HTTP API. The server derives its routes from
 * these and the browser client its requests, so the two cannot disagree.
 */

/** One request as HTTP carries it: path parameters, query parameters and the body. */
export interface WireRequest {
  /** `:name` segments of the path, decoded. */
  params: Record<string, string>;
  /** Query parameters; absent or empty ones are null. */
  query: Record<string, string | null>;
  /** The JSON body parsed (undefined when there is none); for an upload, the raw text. */
  body: unknown;
  /** An upload's content type (the body then travels as it is, not as JSON). */
  contentType?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** 64 KiB: settings, pause, replay, a few fields. */
export const SMALL_BODY_BYTES = 64 * 1024;
/** 64 MiB: an export's or a ticket's ids (up to a million), a resend's edited request body. */
export const LARGE_BODY_BYTES = 64 * 1024 * 1024;
/** 512 MiB: imports can be large HAR files; anything bigger is refused rather than buffered. */
export const UPLOAD_BODY_BYTES = 512 * 1024 * 1024;

export interface HttpRoute<Args extends readonly unknown[] = readonly unknown[]> {
  method: HttpMethod;
  /** `/api/exchanges/:id`: a `:name` segment is the argument of that name. */
  path: string;
  /** The status of a success (200 by default). */
  status?: number;
  /**
   * What the answer is: the result as JSON (the default), nothing (204), or a file download
   * (the server streams it as it is made; the client turns it into an `ExportFile`).
   */
  answer?: 'json' | 'empty' | 'file';
  /** The body is a raw file (streamed to disk by the server), not JSON. */
  upload?: boolean;
  /** The largest body this route reads (64 KiB by default; refused with 413). */
  maxBodyBytes?: number;
  /** A null result is a 404 with this message; the client turns a 404 back into null. */
  notFound?(args: Args): string;
  /**
   * Arguments → request, for the client. By default, an argument named like a `:param` goes in
   * the path; the others go in the query (GET, DELETE), or the one left is the JSON body (POST, PUT).
   */
  toWire?(args: Args): Partial<WireRequest>;
  /** Request → raw arguments, for the server (they are then checked by the channel's schemas). */
  fromWire?(wire: WireRequest): unknown[];
}

const hasBody = (method: HttpMethod) => method === 'POST' || method === 'PUT';

/** The `:name` segments of a route's path. */
export function pathParams(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
}

/** Whether the server reads a body for this route (a route with nothing left for the body reads none). */
export function takesBody(route: HttpRoute, argNames: readonly string[]): boolean {
  if (!hasBody(route.method)) return false;
  if (route.fromWire || route.upload) return true;
  const params = pathParams(route.path);
  return argNames.some((name) => !params.includes(name));
}

/** The request for a call: the route's own mapping, or the default one (see `HttpRoute.toWire`). */
export function wireFor(
  route: HttpRoute,
  argNames: readonly string[],
  args: readonly unknown[],
): WireRequest {
  const wire: WireRequest = { params: {}, query: {}, body: undefined };
  if (route.toWire) return { ...wire, ...route.toWire(args) };
  const params = pathParams(route.path);
  argNames.forEach((name, i) => {
    const value = args[i];
    if (params.includes(name)) wire.params[name] = String(value);
    else if (hasBody(route.method)) wire.body = value;
    else if (value !== null && value !== undefined) wire.query[name] = String(value);
  });
  return wire;
}

/** The raw arguments of a request: the route's own mapping, or the default one. */
export function argsFrom(route: HttpRoute, argNames: readonly string[], wire: WireRequest): unknown[] {
  if (route.fromWire) return route.fromWire(wire);
  const params = pathParams(route.path);
  return argNames.map((name) =>
    params.includes(name)
      ? wire.params[name]
      : hasBody(route.method)
        ? wire.body
        : (wire.query[name] ?? null),
  );
}

/** The path with its `:params` filled in, each encoded. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? encodeURIComponent(params[segment.slice(1)] ?? '') : segment,
    )
    .join('/');
}
