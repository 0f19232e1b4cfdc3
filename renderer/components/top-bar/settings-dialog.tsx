import { type FormEvent, useId, useState } from 'react';
import type { ProxyStatus } from '../../../shared/contract/inspector-contract.ts';
import { useActions } from '../../store/inspector-context.tsx';
import { FormFooter } from '../form-footer.tsx';
import { Modal } from '../modal.tsx';
import { OtelSettingsFields, useOtelDraft } from './otel-settings-fields.tsx';

/**
 * Listen address, upstream, routes, allowed web origins and the OpenTelemetry export; saving
 * restarts the proxy (and the export), and a port in use or a bad route shows here.
 */
export function SettingsDialog({ status, onClose }: { status: ProxyStatus; onClose: () => void }) {
  const { updateSettings } = useActions();
  const id = useId();
  const [listenAddr, setListenAddr] = useState(status.listenAddr);
  const [upstream, setUpstream] = useState(status.upstream);
  const [allowedOrigins, setAllowedOrigins] = useState(status.allowedOrigins ?? '');
  const [routes, setRoutes] = useState(status.routes ?? '');
  const otel = useOtelDraft(status.telemetrySettings);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    const problem = await updateSettings({
      listenAddr: listenAddr.trim(),
      upstream: upstream.trim(),
      allowedOrigins: allowedOrigins.trim(),
      routes: routes.trim(),
      telemetry: otel.update(),
    });
    setSaving(false);
    if (problem === null) onClose();
    else setError(problem);
  };
  return (
    <Modal title="Proxy settings" onClose={onClose}>
      <form className="settings-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor={`${id}-listen`}>Listen address</label>
        <input
          id={`${id}-listen`}
          value={listenAddr}
          onChange={(e) => setListenAddr(e.target.value)}
          placeholder="127.0.0.1:3000"
          aria-describedby={`${id}-listen-help`}
          spellCheck={false}
          required
        />
        <p id={`${id}-listen-help`} className="help">
          host:port. Keep 127.0.0.1 unless other machines must reach the proxy: the traffic carries API keys.
        </p>
        <label htmlFor={`${id}-upstream`}>Upstream</label>
        <input
          id={`${id}-upstream`}
          value={upstream}
          onChange={(e) => setUpstream(e.target.value)}
          placeholder="https://api.openai.com"
          spellCheck={false}
          required
        />
        <label htmlFor={`${id}-routes`}>Routes</label>
        <input
          id={`${id}-routes`}
          value={routes}
          onChange={(e) => setRoutes(e.target.value)}
          placeholder="groq=https://api.groq.com/openai,openai=http://127.0.0.1:9000"
          aria-describedby={`${id}-routes-help`}
          spellCheck={false}
        />
        <p id={`${id}-routes-help`} className="help">
          name=url pairs, comma-separated: requests to /name/… go to url/…. They add to or override the
          built-in /openai, /anthropic, /gemini and /ollama. TOKENTAP_ROUTES, when set, wins at launch.
        </p>
        <label htmlFor={`${id}-origins`}>Allowed web origins</label>
        <input
          id={`${id}-origins`}
          value={allowedOrigins}
          onChange={(e) => setAllowedOrigins(e.target.value)}
          placeholder="http://localhost:5173"
          aria-describedby={`${id}-origins-help`}
          spellCheck={false}
        />
        <p id={`${id}-origins-help`} className="help">
          Web pages that may call the proxy from the browser, comma-separated (a web app in development).
          Pages from any other origin are refused. Empty: none.
        </p>
        <OtelSettingsFields draft={otel} />
        <FormFooter
          error={error}
          busy={saving}
          label="Save and restart proxy"
          busyLabel="Restarting the proxy…"
          onCancel={onClose}
        />
      </form>
    </Modal>
  );
}
