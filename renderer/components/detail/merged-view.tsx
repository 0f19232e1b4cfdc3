import type { MergedResult } from '../../../shared/interpreters/merged-result.ts';
import { prettyJson } from './json-view.tsx';

/** The model's answer: reasoning, text, refusal, tool calls with pretty arguments, finish reason. */
export function MergedView({ merged, cursor = false }: { merged: MergedResult; cursor?: boolean }) {
  const empty =
    merged.text === '' &&
    merged.toolCalls.length === 0 &&
    merged.refusal === null &&
    merged.reasoning === null;
  return (
    <div className="merged">
      {merged.reasoning !== null && (
        <section aria-label="Reasoning">
          <h4>Reasoning</h4>
          <div className="merged-reasoning">{merged.reasoning}</div>
        </section>
      )}
      {(merged.text !== '' || empty) && (
        <section aria-label="Text">
          <h4>Text</h4>
          <div className="merged-text" data-testid="merged-text">
            {merged.text}
            {cursor && <span className="cursor" aria-hidden="true" />}
            {empty && !cursor && <span className="muted">(no text)</span>}
          </div>
        </section>
      )}
      {merged.refusal !== null && (
        <section aria-label="Refusal">
          <h4>Refusal</h4>
          <div className="merged-refusal">{merged.refusal}</div>
        </section>
      )}
      {merged.toolCalls.length > 0 && (
        <section aria-label="Tool calls">
          <h4>Tool calls ({merged.toolCalls.length})</h4>
          {merged.toolCalls.map((call, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a call's id may be missing or repeated
            <div key={i} className="tool-call">
              <div className="tool-call-head">
                <strong>{call.name || '(unnamed)'}</strong>
                {call.id && <span className="muted"> · {call.id}</span>}
              </div>
              <pre className="code-block small">{prettyJson(call.arguments).pretty}</pre>
            </div>
          ))}
        </section>
      )}
      <p className="finish-reason">
        Finish reason:{' '}
        {merged.finishReason ?? <span className="muted">{cursor ? '…' : 'none reported'}</span>}
      </p>
    </div>
  );
}
