import { useState } from 'react';
import type { ProxyStatus, RouteInfo } from '../../../shared/inspector-contract.ts';
import { CopyButton } from '../copy-button.tsx';
import { Popover } from '../popover.tsx';
import { type TabDef, Tabs } from '../tabs.tsx';
import { clientSetupLines, routeBaseUrl } from './client-setup.ts';
import { snippets } from './snippets.ts';

type Lang = 'python' | 'node' | 'curl';

/** The select's value for the default route (no prefix: UPSTREAM). */
const DEFAULT_ROUTE = '';

/**
 * The base URL to paste into a client, one per route (a select), with a copy button; the
 * client set-up lines for every route; and ready-made OpenAI SDK snippets.
 */
export function BaseUrl({ status }: { status: ProxyStatus }) {
  const [lang, setLang] = useState<Lang>('python');
  const [route, setRoute] = useState(DEFAULT_ROUTE);
  const origin = status.proxyUrl ?? `http://${status.listenAddr}`;
  const routes: readonly RouteInfo[] = status.routeList ?? [];
  const chosen = routes.some((r) => r.name === route) ? route : DEFAULT_ROUTE;
  const baseUrl = routeBaseUrl(origin, chosen === DEFAULT_ROUTE ? null : chosen);
  const all = snippets(routeBaseUrl(origin, null));
  const current = all.find((s) => s.key === lang) ?? all[0];
  const tabs: TabDef<Lang>[] = all.map((s) => ({ key: s.key, label: s.label }));
  const target = routes.find((r) => r.name === chosen)?.url ?? status.upstream;
  return (
    <div className="base-url">
      <span className="muted">base_url</span>
      {routes.length > 0 && (
        <select
          aria-label="Route"
          value={chosen}
          onChange={(event) => setRoute(event.target.value)}
          title="Which provider: each route has its own base URL"
        >
          <option value={DEFAULT_ROUTE}>default</option>
          {routes.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name}
            </option>
          ))}
        </select>
      )}
      <code className="base-url-value" title={`Point your client here: forwarded to ${target}`}>
        {baseUrl}
      </code>
      <CopyButton text={baseUrl} what="base URL" />
      {routes.length > 0 && (
        <Popover label="Set up" ariaLabel="Client set-up" align="end">
          {() => <ClientSetup origin={origin} routes={routes} status={status} />}
        </Popover>
      )}
      <Popover label="Snippets" ariaLabel="SDK snippets" align="end">
        {() =>
          current && (
            <div className="snippets">
              <Tabs tabs={tabs} active={lang} onChange={setLang} label="Snippet language">
                <pre className="code-block small">{current.code}</pre>
                <CopyButton text={current.code} what={`${current.label} snippet`} />
              </Tabs>
            </div>
          )
        }
      </Popover>
    </div>
  );
}

/** Every route with its upstream, and one copyable line per client. */
function ClientSetup({
  origin,
  routes,
  status,
}: {
  origin: string;
  routes: readonly RouteInfo[];
  status: ProxyStatus;
}) {
  return (
    <div className="snippets client-setup">
      <table className="usage-table" aria-label="Routes">
        <tbody>
          <tr>
            <th scope="row">default</th>
            <td>
              <code>{routeBaseUrl(origin, null)}</code>
            </td>
            <td className="muted">→ {status.upstream}</td>
          </tr>
          {routes.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              <td>
                <code>
                  {origin}/{r.name}
                </code>
              </td>
              <td className="muted">→ {r.url}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {status.autoDetect && (
        <p className="help">
          UPSTREAM is not set: requests without a route that are plainly Anthropic or Gemini go to those
          routes.
        </p>
      )}
      <ul className="setup-lines" aria-label="Set-up lines">
        {clientSetupLines(origin, routes).map((l) => (
          <li key={l.clients}>
            <span className="muted">{l.clients}</span>
            <pre className="code-block small">{l.line}</pre>
            <CopyButton text={l.line} what={`${l.clients} set-up line`} />
          </li>
        ))}
      </ul>
    </div>
  );
}
