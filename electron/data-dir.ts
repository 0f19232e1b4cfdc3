import { chmod, mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where sessions and settings live: `TOKENTAP_DATA_DIR`, else the folder Electron would use as
 * `userData` for an app named Tokentap, so the desktop app and `npm run serve` share one folder.
 */
export function dataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.TOKENTAP_DATA_DIR) return env.TOKENTAP_DATA_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Tokentap');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Tokentap');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Tokentap');
}

/** Files Tokentap writes (sessions, indexes, settings, exports) are its user's alone: they hold traffic. */
export const FILE_MODE = 0o600;
/** And so are its directories. */
export const DIR_MODE = 0o700;

/**
 * Creates a directory Tokentap owns (and its parents) with mode 700, and brings an existing one
 * made by an older version (755 under umask 022) down to 700. Throws when it cannot be created.
 */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: DIR_MODE });
  const { mode } = await stat(path);
  // A sticky directory (/tmp given as TOKENTAP_DATA_DIR) is shared by design: never narrowed.
  if ((mode & 0o1000) === 0 && (mode & 0o777) !== DIR_MODE) await chmod(path, DIR_MODE);
}
