/** `tokentap export <session> --format otlp` as a real process, into a local OTLP receiver. */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genAiSpan } from '../../../electron/telemetry/genai-span.ts';
import { startOtlpReceiver } from '../../support/otlp-receiver.ts';
import { sampleRecords } from '../../support/sample-records.ts';
import { runTokentap, sampleSessionDir } from '../../support/tokentap-process.ts';

let dir: string;
let sessionId: string;

// Only what the test sets: no OTEL_* variable of the machine's may reach the command.
const tokentap = (args: string[], env: Record<string, string>) =>
  runTokentap(args, { PATH: process.env.PATH ?? '', TOKENTAP_DATA_DIR: dir, ...env });

beforeAll(async () => {
  ({ dir, sessionId } = await sampleSessionDir('tokentap-otlp-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tokentap export --format otlp', () => {
  it.each(['http/protobuf', 'http/json'])(
    'sends a saved session as spans over %s, at the exchanges’ own times',
    async (protocol) => {
      const receiver = await startOtlpReceiver();
      try {
        const result = await tokentap(['export', 'latest', '--format', 'otlp'], {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        });
        const llm = sampleRecords().filter((record) => genAiSpan(record, false) !== null);
        expect(llm.length).toBeGreaterThan(0);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(`Sent ${llm.length} span`);
        expect(result.stdout).toContain(sessionId);
        expect(receiver.spans).toHaveLength(llm.length);
        for (const record of llm) {
          const span = receiver.spans.find((s) => s.attributes['tokentap.exchange.id'] === record.id);
          expect(span?.startTimeUnixNano).toBe(BigInt(Date.parse(record.startedAt)) * 1_000_000n);
        }
      } finally {
        await receiver.close();
      }
    },
  );

  it('sends to the endpoint saved in the settings dialog, with its header, when no variable is set', async () => {
    const receiver = await startOtlpReceiver();
    const settingsFile = join(dir, 'settings.json');
    try {
      await writeFile(
        settingsFile,
        JSON.stringify({
          telemetry: {
            endpoint: receiver.url,
            protocol: 'http/json',
            headers: { authorization: 'Basic c2F2ZWQ=' },
          },
        }),
        { mode: 0o600 },
      );
      const result = await tokentap(['export', 'latest', '--format', 'otlp'], {});
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(receiver.spans.length).toBeGreaterThan(0);
      expect(receiver.requestHeaders[0]?.authorization).toBe('Basic c2F2ZWQ=');
      expect(result.stdout).not.toContain('c2F2ZWQ');
    } finally {
      await rm(settingsFile, { force: true });
      await receiver.close();
    }
  });

  it('fails with the endpoint’s error when nothing listens, and says what to set without an endpoint', async () => {
    const receiver = await startOtlpReceiver();
    await receiver.close();
    const refused = await tokentap(['export', sessionId, '--format', 'otlp'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ECONNREFUSED/);
    const unset = await tokentap(['export', sessionId, '--format', 'otlp'], {});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});
