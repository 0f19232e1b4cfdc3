/** The UI server's routes, derived from the channel table, and the browser client's requests from the same. */
import { describe, expect, it } from 'vitest';
import { ApiRoutes } from '../../../electron/server/api-routes.ts';
import { HttpError } from '../../../electron/server/request-body.ts';
import { CHANNEL_TABLE } from '../../../shared/contract/channels.ts';
import { argNames } from '../../../shared/contract/check-arguments.ts';
import { fillPath, type HttpRoute, pathParams, wireFor } from '../../../shared/contract/http-route.ts';
import { CHANNELS } from '../../../shared/contract/inspector-contract.ts';

describe('API routes from the channel table', () => {
  const routes = new ApiRoutes();

  it('routes every channel, and the request the client makes for it reaches that channel', () => {
    for (const channel of CHANNELS) {
      const route: HttpRoute = CHANNEL_TABLE[channel].http;
      const params = Object.fromEntries(pathParams(route.path).map((name) => [name, `${name} ü/?`]));
      // The path as the client fills it (its own mapping's params, or the default one's).
      const wire = route.toWire ? { params } : wireFor(route, argNames(channel), []);
      const path = fillPath(route.path, { ...wire.params, ...params });
      const matched = routes.match(route.method, path);
      expect(matched?.channel, `${route.method} ${path}`).toBe(channel);
      expect(matched?.params).toEqual(params);
    }
  });

  it('answers nothing for an unknown method or path, and 400 for a broken percent-encoding', () => {
    expect(routes.match('PATCH', '/api/status')).toBeNull();
    expect(routes.match('GET', '/api/status/x')).toBeNull();
    expect(routes.match('GET', '/api/nope')).toBeNull();
    expect(() => routes.match('GET', '/api/exchanges/%E0%A4%A')).toThrow(HttpError);
  });

  it('takes a new channel from its table entry alone', () => {
    const table = {
      ...CHANNEL_TABLE,
      'threads.get': { http: { method: 'GET', path: '/api/threads/:id' } satisfies HttpRoute },
    };
    const extended = new ApiRoutes(table as never);
    expect(extended.match('GET', '/api/threads/t%201')).toMatchObject({
      channel: 'threads.get',
      params: { id: 't 1' },
    });
    expect(extended.match('GET', '/api/exchanges/a')?.channel).toBe('exchanges.get');
  });

  it('refuses a table in which two channels would answer the same request', () => {
    const table = {
      ...CHANNEL_TABLE,
      'exchanges.find': { http: { method: 'GET', path: '/api/exchanges/:query' } satisfies HttpRoute },
    };
    expect(() => new ApiRoutes(table as never)).toThrow(
      'exchanges.find and exchanges.get both answer GET /api/exchanges/:query',
    );
  });
});
