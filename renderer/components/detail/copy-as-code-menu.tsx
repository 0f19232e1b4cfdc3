import { useState } from 'react';
import {
  CODE_TARGETS,
  type CodeTarget,
  copyAsCode,
  copyableOf,
} from '../../../shared/client/copy-as-code.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { useInspector } from '../../store/inspector-context.tsx';
import { CopyButton } from '../copy-button.tsx';
import { Popover } from '../popover.tsx';
import { type TabDef, Tabs } from '../tabs.tsx';

const TARGET_LABELS: Record<CodeTarget, string> = { curl: 'cURL', python: 'Python', node: 'Node' };
const TARGET_TABS: readonly TabDef<CodeTarget>[] = CODE_TARGETS.map((key) => ({
  key,
  label: TARGET_LABELS[key],
}));

type Destination = 'tokentap' | 'provider';

/**
 * "Copy as" for one exchange: its request as cURL, Python or Node, sent through Tokentap or to the
 * real provider. The key is read from the environment variable the SDK reads; none is captured.
 */
export function CopyAsCodeMenu({ record }: { record: ExchangeRecord | null }) {
  const [target, setTarget] = useState<CodeTarget>('curl');
  const [destination, setDestination] = useState<Destination>('tokentap');
  const status = useInspector((s) => s.status);
  const proxyUrl = status?.proxyUrl ?? (status ? `http://${status.listenAddr}` : 'http://127.0.0.1:3000');
  const providerUrl = status?.upstream ?? 'https://api.openai.com';
  if (record === null) {
    return (
      <button type="button" className="tool-button" disabled title="Available once the details are loaded">
        Copy as…
      </button>
    );
  }
  return (
    <Popover
      label="Copy as…"
      title="Copy this request as cURL, Python or Node code"
      buttonClass="tool-button"
      align="end"
    >
      {() => {
        const code = copyAsCode(
          copyableOf(record),
          target,
          destination === 'tokentap' ? proxyUrl : providerUrl,
        );
        return (
          <div className="copy-as-code">
            <fieldset className="copy-as-destination">
              <legend className="muted">Send to</legend>
              <label>
                <input
                  type="radio"
                  name="copy-as-destination"
                  checked={destination === 'tokentap'}
                  onChange={() => setDestination('tokentap')}
                />{' '}
                Tokentap ({proxyUrl})
              </label>
              <label>
                <input
                  type="radio"
                  name="copy-as-destination"
                  checked={destination === 'provider'}
                  onChange={() => setDestination('provider')}
                />{' '}
                the provider ({providerUrl})
              </label>
            </fieldset>
            <Tabs tabs={TARGET_TABS} active={target} onChange={setTarget} label="Copy as language">
              <section aria-label={`${TARGET_LABELS[target]} code`}>
                <pre className="code-block small">{code}</pre>
              </section>
              <CopyButton text={code} what={`request as ${TARGET_LABELS[target]}`} />
            </Tabs>
          </div>
        );
      }}
    </Popover>
  );
}
