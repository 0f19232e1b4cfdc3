import { parseArgs } from 'node:util';
import { errorMessage } from '../shared/error-message.ts';
import type { ExchangeRecord } from '../shared/exchange/exchange-record.ts';
import { dataDir } from './data-dir.ts';
import { runServe } from './headless.ts';
import { parseListenAddress } from './proxy/listen-address.ts';
import { replayCommand } from './replay/replay-command.ts';
import { streamWriter, writeExport, writeExportFile } from './sessions/export-writer.ts';
import { sessionIds, sessionRecords } from './sessions/session-reader.ts';
import { loadSettings } from './settings-store.ts';
import { sendRecords } from './telemetry/send-session.ts';
import { otelSettingsOf } from './telemetry/telemetry-settings.ts';
import { TOKENTAP_VERSION } from './version.ts';

const HELP = `tokentap ${TOKENTAP_VERSION} — an inspector for LLM API traffic

Usage:
  tokentap serve                                   run the proxy and the UI in a browser (no display needed)
  tokentap export <session|latest> --format har|jsonl -o FILE
                                                   write a session as HAR 1.2 or JSONL
  tokentap export <session|latest> --format otlp   send a session's LLM calls as OpenTelemetry GenAI
                                                   spans to OTEL_EXPORTER_OTLP_ENDPOINT
  tokentap sessions                                list the sessions in the data directory
  tokentap replay <session|latest|file.har|file.jsonl> [options]
                                                   answer clients from a recording: the proxy only,
                                                   its base URL printed; until SIGTERM or Ctrl-C,
                                                   which print how many requests it served and missed
  tokentap --help | --version

Replay options:
  --listen ADDR      where the proxy listens (default LISTEN_ADDR, else a free port on 127.0.0.1)
  --ui [ADDR]        also serve the UI, on ADDR or a free port; its URL is printed with the token
  --port-file PATH   write the proxy's base URL (http://host:port, no newline) to PATH once it
                     listens (atomically: a reader never sees half of it); removed at the end
  --strict           exit 1 at the end if any request matched no recording (for CI)
  --speed N          recorded pace times N; 0 = as fast as possible (default 1)
  --fallthrough      misses go to UPSTREAM (and are captured) instead of a 404
  --fault F          repeatable: drop-usage, cut-after=N, delay-first-byte=MS,
                     rate-limit[=SECONDS], error-mid-stream
  Every address takes host:port, [v6]:port or :port; :0 picks a free port.

Environment:
  LISTEN_ADDR        proxy address (default 127.0.0.1:3000 for serve; :0 = a free port)
  UPSTREAM           where requests go (default https://api.openai.com)
  UI_ADDR            UI server address for serve (default 127.0.0.1:3001; :0 = a free port)
  TOKENTAP_TOKEN     fixed UI token (default: a random one, printed at start)
  TOKENTAP_DATA_DIR  where sessions live (default: ${dataDir()})
  OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _PROTOCOL, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
                     OpenTelemetry export (live with serve, or a saved session with --format otlp)

Exit codes: 0 done, 1 failed (an address in use, a missing session, --strict misses), 2 bad usage.
`;

/** Runs the command line; returns the exit code (-1: a server keeps running). Never throws: every failure is one line. */
export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    // Node's text goes on about positionals after `--`; the first sentence is the point.
    const [first] = (error as Error).message.split(/(?<=\.) /);
    console.error(`tokentap: ${first} (see tokentap --help)`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  try {
    return await run(command, rest, values);
  } catch (error) {
    const where = command === 'serve' || command === 'replay' ? `tokentap ${command}` : 'tokentap';
    console.error(`${where}: ${errorMessage(error)}`);
    return 1;
  }
}

/** `--ui` takes an address only when one follows (`--ui :0`, `--ui 127.0.0.1:4001`), else it means a free port. */
function withUiValue(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg !== '--ui') {
      out.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && isAddress(next)) {
      out.push(`--ui=${next}`);
      i++;
    } else out.push('--ui=');
  }
  return out;
}

function isAddress(text: string): boolean {
  try {
    parseListenAddress(text);
    return true;
  } catch {
    return false;
  }
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: withUiValue(argv),
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      speed: { type: 'string' },
      listen: { type: 'string' },
      ui: { type: 'string' },
      'port-file': { type: 'string' },
      strict: { type: 'boolean' },
      fallthrough: { type: 'boolean' },
      fault: { type: 'string', multiple: true },
    },
  });
}

async function run(
  command: string | undefined,
  rest: string[],
  values: ReturnType<typeof parseCommandLine>['values'],
): Promise<number> {
  if (values.version) {
    console.log(TOKENTAP_VERSION);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    console.log(HELP);
    return values.help || command === 'help' ? 0 : 2;
  }
  switch (command) {
    case 'serve':
      await runServe();
      return -1; // keeps running until a signal
    case 'sessions': {
      const ids = await sessionIds(dataDir());
      console.log(ids.length ? ids.join('\n') : `No sessions in ${dataDir()}`);
      return 0;
    }
    case 'export':
      return exportCommand(rest[0], values.format, values.output);
    case 'replay':
      if (rest.length > 1) {
        console.error(`tokentap replay: one recording at a time, not ${rest.length} (see tokentap --help)`);
        return 2;
      }
      return replayCommand(rest[0], {
        speed: values.speed,
        listen: values.listen,
        fallthrough: values.fallthrough === true,
        faults: values.fault ?? [],
        ui: values.ui,
        portFile: values['port-file'],
        strict: values.strict === true,
      });
    default:
      console.error(`tokentap: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

async function exportCommand(
  which: string | undefined,
  format: string | undefined,
  output: string | undefined,
) {
  const otlp = format === 'otlp';
  if (!which || (!output && !otlp) || (format !== 'har' && format !== 'jsonl' && !otlp)) {
    console.error(
      'tokentap export: usage: tokentap export <session|latest> --format har|jsonl -o FILE, or --format otlp',
    );
    return 2;
  }
  const directory = dataDir();
  const ids = await sessionIds(directory);
  const id = which === 'latest' ? ids[0] : which;
  if (!id || !ids.includes(id)) {
    console.error(
      which === 'latest'
        ? `tokentap export: there are no sessions in ${directory}`
        : `tokentap export: no session "${which}" in ${directory} (see \`tokentap sessions\`)`,
    );
    return 1;
  }
  const records = sessionRecords(directory, id, (warning) => console.warn(`tokentap: ${id}: ${warning}`));
  if (otlp) return otlpExport(id, records, directory);
  if (!output) return 2;
  // Streamed to the file: a session of any size exports in constant memory.
  const count = await writeExportFile(output, (out) => writeExport(format, records, streamWriter(out)));
  console.log(`Wrote ${count} exchange${count === 1 ? '' : 's'} of session ${id} to ${output}`);
  return 0;
}

async function otlpExport(
  id: string,
  records: AsyncIterable<ExchangeRecord>,
  directory: string,
): Promise<number> {
  // The endpoint and headers saved in the settings dialog; the environment wins, as for live export.
  const { telemetry } = await loadSettings(directory, process.env);
  const result = await sendRecords(records, process.env, otelSettingsOf(telemetry));
  const skipped = result.skipped ? ` (${result.skipped} not LLM calls, skipped)` : '';
  if (result.error !== null) {
    console.error(
      `tokentap export: ${result.endpoint}: ${result.error}; ${result.exported} of ${result.spans} spans of session ${id} were sent`,
    );
    return 1;
  }
  console.log(
    `Sent ${result.exported} span${result.exported === 1 ? '' : 's'} of session ${id} to ${result.endpoint}${skipped}`,
  );
  return 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`tokentap: ${errorMessage(error)}`);
      process.exitCode = 1;
    },
  );
}
