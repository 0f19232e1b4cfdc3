import { parseArgs } from 'node:util';
import { dataDir } from './data-dir.ts';
import { runServe } from './headless.ts';
import { replayCommand } from './replay/replay-command.ts';
import { streamWriter, writeExport, writeExportFile } from './sessions/export-writer.ts';
import { sessionIds, sessionRecords } from './sessions/session-reader.ts';
import { TOKENTAP_VERSION } from './version.ts';

const HELP = `tokentap ${TOKENTAP_VERSION} — an inspector for LLM API traffic

Usage:
  tokentap serve                                   run the proxy and the UI in a browser (no display needed)
  tokentap export <session|latest> --format har|jsonl -o FILE
                                                   write a session as HAR 1.2 or JSONL
  tokentap sessions                                list the sessions in the data directory
  tokentap replay <session|latest|file.har|file.jsonl> [--speed N] [--listen ADDR]
                  [--fallthrough] [--fault F]...   answer clients from a recording (as serve, in
                                                   replay mode); --speed 0 = as fast as possible;
                                                   faults: drop-usage, cut-after=N,
                                                   delay-first-byte=MS, rate-limit[=SECONDS],
                                                   error-mid-stream
  tokentap --help | --version

Environment:
  LISTEN_ADDR        proxy address (default 127.0.0.1:3000)
  UPSTREAM           where requests go (default https://api.openai.com)
  UI_ADDR            UI server address for serve (default 127.0.0.1:3001)
  TOKENTAP_TOKEN     fixed UI token (default: a random one, printed at start)
  TOKENTAP_DATA_DIR  where sessions live (default: ${dataDir()})
`;

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      speed: { type: 'string' },
      listen: { type: 'string' },
      fallthrough: { type: 'boolean' },
      fault: { type: 'string', multiple: true },
    },
  });
  const [command, ...rest] = positionals;
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
      return replayCommand(rest[0], {
        speed: values.speed,
        listen: values.listen,
        fallthrough: values.fallthrough === true,
        faults: values.fault ?? [],
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
  if (!which || !output || (format !== 'har' && format !== 'jsonl')) {
    console.error('tokentap export: usage: tokentap export <session|latest> --format har|jsonl -o FILE');
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
  // Streamed to the file: a session of any size exports in constant memory.
  const count = await writeExportFile(output, (out) => writeExport(format, records, streamWriter(out)));
  console.log(`Wrote ${count} exchange${count === 1 ? '' : 's'} of session ${id} to ${output}`);
  return 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`tokentap: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
