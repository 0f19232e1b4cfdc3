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
