import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Settings } from '../shared/contract/inspector-contract.ts';
import { ensurePrivateDir, FILE_MODE } from './data-dir.ts';
import { DEFAULT_LISTEN_ADDR, DEFAULT_UPSTREAM } from './proxy-config.ts';
import { type SavedTelemetry, savedTelemetryFrom } from './telemetry/telemetry-settings.ts';

/** The settings as kept: the OpenTelemetry part with its header values (the file is mode 600). */
export interface SavedSettings extends Settings {
  telemetry: SavedTelemetry;
}

const FILE = 'settings.json';

/**
 * Settings changed in the UI persist in the data directory. `LISTEN_ADDR`, `UPSTREAM`,
 * `TOKENTAP_ALLOWED_ORIGINS` and `TOKENTAP_ROUTES` given at launch win over saved values (the explicit choice for this run).
 */
export async function loadSettings(dataDir: string, env: NodeJS.ProcessEnv): Promise<SavedSettings> {
  let saved: Partial<Settings> = {};
  try {
    saved = JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as Partial<Settings>;
  } catch {
    // No settings yet, or unreadable ones: the defaults will do.
  }
  return {
    listenAddr:
      env.LISTEN_ADDR || (typeof saved.listenAddr === 'string' ? saved.listenAddr : DEFAULT_LISTEN_ADDR),
    upstream: env.UPSTREAM || (typeof saved.upstream === 'string' ? saved.upstream : DEFAULT_UPSTREAM),
    allowedOrigins:
      env.TOKENTAP_ALLOWED_ORIGINS ?? (typeof saved.allowedOrigins === 'string' ? saved.allowedOrigins : ''),
    routes: env.TOKENTAP_ROUTES ?? (typeof saved.routes === 'string' ? saved.routes : ''),
    // The OTLP variables are applied when the export starts, never saved over these.
    telemetry: savedTelemetryFrom(saved.telemetry),
  };
}

/** Saves settings atomically (write, then rename), mode 600. */
export async function saveSettings(dataDir: string, settings: SavedSettings): Promise<void> {
  await ensurePrivateDir(dataDir);
  const temp = join(dataDir, `.${FILE}.tmp`);
  // A temp file left by a crash keeps its old mode when rewritten: removed first.
  await rm(temp, { force: true });
  await writeFile(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: FILE_MODE });
  await rename(temp, join(dataDir, FILE));
}
