import { type FormEvent, useId, useState } from 'react';
import { keyVariableOf } from '../../../shared/client/api-key-variable.ts';
import type { ResendRequest } from '../../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { resendUrl } from '../../../shared/security/resend-url.ts';
import { useActions, useInspector } from '../../store/inspector-context.tsx';
import { FormFooter } from '../form-footer.tsx';
import { Modal } from '../modal.tsx';
import { prettyJson } from './json-view.tsx';

/** The environment variable Tokentap takes the key from when the form leaves it empty. */
function envKeyName(record: ExchangeRecord): string {
  return keyVariableOf(record.api);
}

/** Where the resend goes, exactly as the main side will build it, or why it cannot go. */
function destinationOf(proxyUrl: string | null, path: string): { url: string } | { refused: string } {
  if (proxyUrl === null) return { refused: 'The proxy is not listening, so nothing can be resent.' };
  try {
    return { url: resendUrl(proxyUrl, path).href };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/**
 * Sends the captured request again to the live upstream, with an edited body, another model, or
 * a key typed here. The key lives in this form's state only: never stored, never logged.
 */
export function ResendDialog({
  record,
  session,
  onClose,
}: {
  record: ExchangeRecord;
  /** The session the exchange is in (null: the live one). */
  session: string | null;
  onClose: () => void;
}) {
  const { resendExchange } = useActions();
  const id = useId();
  const proxyUrl = useInspector((state) => state.status?.proxyUrl ?? null);
  const destination = destinationOf(proxyUrl, record.path);
  const parsed = prettyJson(record.request.body);
  const prefill = parsed.pretty;
  // The model the request asked for (the record's `model` may be the one that answered).
  const asked = (parsed.json as { model?: unknown } | null | undefined)?.model;
  const askedModel = typeof asked === 'string' ? asked : record.model;
  const [body, setBody] = useState(prefill);
  const [model, setModel] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const json = record.request.body.trim().startsWith('{') || record.request.body.trim().startsWith('[');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if ('refused' in destination) {
      setError(destination.refused);
      return;
    }
    if (json && body.trim() !== '') {
      try {
        JSON.parse(body);
      } catch (problem) {
        setError(`The body is not valid JSON: ${(problem as Error).message}`);
        return;
      }
    }
    const request: ResendRequest = { id: record.id, session };
    // Unedited, the request goes as captured, byte for byte.
    if (body !== prefill) request.body = body;
    if (model.trim() !== '') request.model = model.trim();
    if (apiKey !== '') request.apiKey = apiKey;
    setSending(true);
    setError(null);
    const problem = await resendExchange(request);
    setSending(false);
    if (problem === null) onClose();
    else setError(problem);
  };

  return (
    <Modal title={`Resend ${record.method} ${record.path}`} onClose={onClose} className="resend-modal">
      <form className="settings-form resend-form" onSubmit={(event) => void submit(event)}>
        <p className="help">
          Sends this request again to the live upstream, through the proxy: the answer is captured as a new
          exchange linked to this one. This spends tokens.
        </p>
        {'url' in destination ? (
          <p className="help">
            Sends to <code className="resend-url">{destination.url}</code>
          </p>
        ) : (
          <p className="warn" role="alert">
            {destination.refused}
          </p>
        )}
        <label htmlFor={`${id}-body`}>Request body</label>
        {record.request.bodyTruncated && (
          <p className="warn">
            The body was truncated at capture: complete it before sending, or the upstream will refuse it.
          </p>
        )}
        <textarea
          id={`${id}-body`}
          className="resend-body"
          value={body}
          onChange={(e) => setBody(e.target.value)}
          spellCheck={false}
          rows={14}
        />
        <label htmlFor={`${id}-model`}>Model</label>
        <input
          id={`${id}-model`}
          value={model}
          onChange={(e) => setModel(e.target.value)}
          placeholder={askedModel ?? 'as in the body'}
          aria-describedby={`${id}-model-help`}
          spellCheck={false}
          autoComplete="off"
        />
        <p id={`${id}-model-help`} className="help">
          Replaces the body's <code>model</code>; empty keeps {askedModel ? <code>{askedModel}</code> : 'it'}.
        </p>
        <label htmlFor={`${id}-key`}>API key</label>
        <input
          id={`${id}-key`}
          type="password"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          placeholder={`empty: ${envKeyName(record)} from Tokentap's environment`}
          aria-describedby={`${id}-key-help`}
          autoComplete="off"
          spellCheck={false}
        />
        <p id={`${id}-key-help`} className="help">
          Recordings hold no keys. Empty uses <code>{envKeyName(record)}</code> from the environment Tokentap
          runs in. The key is used for this one request and never stored.
        </p>
        <FormFooter error={error} busy={sending} label="Send" busyLabel="Sending…" onCancel={onClose} />
      </form>
    </Modal>
  );
}
