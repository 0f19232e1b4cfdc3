import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isLive } from '../../../shared/exchange/exchange-lifecycle.ts';
import { apiLabel, statusLabel } from '../../format.ts';
import { useShortcut } from '../../keyboard/use-shortcut.ts';
import { useActions, useInspector } from '../../store/inspector-context.tsx';
import { useSummary } from '../../store/use-rows.ts';
import { ConversationTab } from '../conversation/conversation-tab.tsx';
import { CompareButton } from '../diff/compare-entry.tsx';
import { statusClass } from '../list/columns.tsx';
import { type TabDef, Tabs } from '../tabs.tsx';
import { CopyAsCodeMenu } from './copy-as-code-menu.tsx';
import { OverviewTab } from './overview-tab.tsx';
import { PlaybackTab } from './playback-tab.tsx';
import { RequestTab } from './request-tab.tsx';
import { ResendDialog } from './resend-dialog.tsx';
import { ResponseTab } from './response-tab.tsx';

type DetailTab = 'overview' | 'conversation' | 'request' | 'response' | 'playback';

const TABS: readonly TabDef<DetailTab>[] = [
  { key: 'overview', label: 'Overview' },
  { key: 'conversation', label: 'Conversation' },
  { key: 'request', label: 'Request' },
  { key: 'response', label: 'Response' },
  { key: 'playback', label: 'Replay' },
];

/** The selected exchange: Overview, Request, Response and Replay (playback) tabs. */
export function ExchangeDetail() {
  const { select } = useActions();
  const [tab, setTab] = useState<DetailTab>('overview');
  const [resending, setResending] = useState(false);
  const { selectedId, detail, viewSession } = useInspector(
    useShallow((s) => ({ selectedId: s.selectedId, detail: s.detail, viewSession: s.viewSession })),
  );
  // Re-renders for the selected row's updates only, not for every live batch.
  const summary = useSummary(selectedId);
  useShortcut(
    ['previousTab', 'nextTab'],
    (name) => {
      const at = TABS.findIndex((t) => t.key === tab);
      const next = TABS[(at + (name === 'nextTab' ? 1 : TABS.length - 1)) % TABS.length];
      if (next) setTab(next.key);
      return undefined;
    },
    summary !== undefined,
  );
  if (summary === undefined) {
    return (
      <div className="detail-empty">
        <p>Select a request to see its details.</p>
        <p className="muted">
          j / k or ↑ / ↓ move through the list, / focuses the filter, ? lists every shortcut.
        </p>
      </div>
    );
  }
  const record = detail?.id === summary.id ? detail.record : null;
  const body = () => {
    if (tab === 'overview') return <OverviewTab summary={summary} record={record} />;
    if (detail?.error) return <p className="error-text">Could not load the exchange: {detail.error}</p>;
    if (record === null)
      return (
        <p className="muted">
          {detail?.loading
            ? 'Loading…'
            : isLive(summary)
              ? 'Details appear when the exchange ends.'
              : 'No details stored for this exchange.'}
        </p>
      );
    if (tab === 'conversation') return <ConversationTab record={record} />;
    if (tab === 'request') return <RequestTab record={record} />;
    if (tab === 'response') return <ResponseTab record={record} />;
    return <PlaybackTab record={record} />;
  };
  return (
    <section className="exchange-detail" aria-label="Exchange detail">
      <header className="detail-header">
        <span className={`status status-${statusClass(summary)}`}>{statusLabel(summary)}</span>
        <span className="detail-method">{summary.method}</span>
        <span className="detail-path" title={summary.path}>
          {summary.path}
        </span>
        <span className="muted">
          {apiLabel(summary.api)}
          {summary.model ? ` · ${summary.model}` : ''}
        </span>
        <CompareButton id={summary.id} />
        <CopyAsCodeMenu record={record} />
        <button
          type="button"
          className="tool-button resend-button"
          disabled={record === null}
          title={
            record === null
              ? 'The request can be resent once its details are loaded'
              : 'Send this request again to the live upstream, optionally edited'
          }
          onClick={() => setResending(true)}
        >
          Resend…
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Close detail"
          onClick={() => void select(null)}
        >
          ✕
        </button>
      </header>
      <Tabs
        tabs={TABS}
        active={tab}
        onChange={setTab}
        label="Exchange detail sections"
        className="detail-tabs"
      >
        {body()}
      </Tabs>
      {resending && record !== null && (
        <ResendDialog record={record} session={viewSession} onClose={() => setResending(false)} />
      )}
    </section>
  );
}
