import { useState } from 'react';
import type { ProxyStatus, RouteInfo } from '../../../shared/contract/inspector-contract.ts';
import { CopyButton } from '../copy-button.tsx';
import { Popover } from '../popover.tsx';
import { type TabDef, Tabs } from '../tabs.tsx';
import { clientSetupLines, routeBaseUrl } from './client-setup.ts';
import { snippets } from './snippets.ts';

type Lang = 'python' | 'node' | 'curl';

/**
 * The base URL to paste into a client (the default route, to UPSTREAM) with a copy button; under
 * "Routes", the base URL of every route and the client set-up lines, each to copy; and
 * ready-made OpenAI SDK snippets.
 */
export function BaseUrl({ status }: { status: ProxyStatus }) {
  const [lang, setLang] = useState<Lang>('python');
  const origin = status.proxyUrl ?? `http://${status.listenAddr}`;
  const routes: readonly RouteInfo[] = status.routeList ?? [];
  const baseUrl = routeBaseUrl(origin, null);
  const all = snippets(baseUrl);
  const current = all.find((s) => s.key === lang) ?? all[0];
  const tabs: TabDef<Lang>[] = all.map((s) => ({ key: s.key, label: s.label }));
  return (
    <div className="base-url">
      <span className="muted">base_url</span>
      <code className="base-url-value" title={`Point your SDK here: forwarded to ${status.upstream}`}>
        {baseUrl}
      </code>
      <CopyButton text={baseUrl} what="base URL" />
      {routes.length > 0 && (
        <Popover label="Routes" ariaLabel="Routes and client set-up" align="end">
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

/** Every route's base URL (to copy) with its upstream, and one copyable line per client. */
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
          <RouteRow name="default" baseUrl={routeBaseUrl(origin, null)} upstream={status.upstream} />
          {routes.map((r) => (
            <RouteRow key={r.name} name={r.name} baseUrl={routeBaseUrl(origin, r.name)} upstream={r.url} />
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

function RouteRow({ name, baseUrl, upstream }: { name: string; baseUrl: string; upstream: string }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>
        <code>{baseUrl}</code>
      </td>
      <td>
        <CopyButton text={baseUrl} what={`${name} base URL`} />
      </td>
      <td className="muted">→ {upstream}</td>
    </tr>
  );
}
