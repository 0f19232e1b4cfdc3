import { CHANNEL_TABLE } from '../../shared/contract/channels.ts';
import type { HttpMethod, HttpRoute } from '../../shared/contract/http-route.ts';
import type { Channel } from '../../shared/contract/inspector-contract.ts';
import { HttpError } from './request-body.ts';

/** A request matched to its channel, with its path parameters decoded. */
export interface MatchedRoute {
  channel: Channel;
  route: HttpRoute;
  params: Record<string, string>;
}

interface CompiledRoute {
  channel: Channel;
  route: HttpRoute;
  /** Each path segment: a literal, or `:name` for a parameter. */
  segments: string[];
}

const segmentsOf = (path: string) => path.split('/').slice(1);
const isParam = (segment: string) => segment.startsWith(':');

/**
 * The UI server's API routes, derived from the channel table: one lookup by method and number
 * of path segments, then literal segments compared and `:params` decoded. Two channels that
 * could answer the same request are refused when the table is read, not found out by a user.
 */
export class ApiRoutes {
  readonly #byShape = new Map<string, CompiledRoute[]>();

  constructor(table: { readonly [C in Channel]: { readonly http: HttpRoute } } = CHANNEL_TABLE) {
    for (const channel of Object.keys(table) as Channel[]) {
      const route = table[channel].http as HttpRoute;
      const segments = segmentsOf(route.path);
      const key = `${route.method} ${segments.length}`;
      const same = this.#byShape.get(key) ?? [];
      const clash = same.find((other) =>
        other.segments.every((s, i) => s === segments[i] || isParam(s) || isParam(segments[i] ?? '')),
      );
      if (clash) throw new Error(`${channel} and ${clash.channel} both answer ${route.method} ${route.path}`);
      same.push({ channel, route, segments });
      this.#byShape.set(key, same);
    }
  }

  /** The channel answering `method path`, or null; a parameter that is not valid percent-encoding is a 400. */
  match(method: string, pathname: string): MatchedRoute | null {
    const parts = segmentsOf(pathname);
    const candidates = this.#byShape.get(`${method as HttpMethod} ${parts.length}`) ?? [];
    for (const { channel, route, segments } of candidates) {
      if (!segments.every((s, i) => isParam(s) || s === parts[i])) continue;
      const params: Record<string, string> = {};
      segments.forEach((s, i) => {
        if (isParam(s)) params[s.slice(1)] = decode(parts[i] ?? '');
      });
      return { channel, route, params };
    }
    return null;
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `Invalid percent-encoding in ${JSON.stringify(segment.slice(0, 100))}`);
  }
}
