import { useState } from 'react';
import type { ProxyStatus } from '../../../shared/inspector-contract.ts';
import { CopyButton } from '../copy-button.tsx';
import { Popover } from '../popover.tsx';
import { type TabDef, Tabs } from '../tabs.tsx';
import { snippets } from './snippets.ts';

type Lang = 'python' | 'node' | 'curl';

/** The `base_url` to paste into an SDK, a copy button, and ready-made snippets. */
export function BaseUrl({ status }: { status: ProxyStatus }) {
  const [lang, setLang] = useState<Lang>('python');
  const baseUrl = `${status.proxyUrl ?? `http://${status.listenAddr}`}/v1`;
  const all = snippets(baseUrl);
  const current = all.find((s) => s.key === lang) ?? all[0];
  const tabs: TabDef<Lang>[] = all.map((s) => ({ key: s.key, label: s.label }));
  return (
    <div className="base-url">
      <span className="muted">base_url</span>
      <code className="base-url-value" title="Point your SDK here">
        {baseUrl}
      </code>
      <CopyButton text={baseUrl} what="base URL" />
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
