import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Dialogs, fileActions } from '../../../electron/desktop/file-actions.ts';
import { InspectorService } from '../../../electron/inspector-service.ts';
import type { AppCommand } from '../../../shared/contract/inspector-contract.ts';

const HAR = join(import.meta.dirname, '..', '..', 'fixtures', 'har', 'chrome-devtools.har');

let dir = '';
let service: InspectorService | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokentap-menu-'));
  service = await InspectorService.start({
    dataDir: join(dir, 'data'),
    env: { LISTEN_ADDR: '127.0.0.1:0', UPSTREAM: 'http://127.0.0.1:9' },
    headersTimeoutMs: 5000,
    log: () => {},
  });
});

afterEach(async () => {
  await service?.close();
  service = null;
  await rm(dir, { recursive: true, force: true });
});

/** Dialogs that answer from a script and record what they were asked. */
function scriptedDialogs(answers: { open?: string | null; save?: string | null }) {
  const messages: { type: string; message: string; detail?: string }[] = [];
  const saveRequests: { defaultPath: string }[] = [];
  const dialogs: Dialogs = {
    chooseFile: async () => answers.open ?? null,
    chooseSaveFile: async (options) => {
      saveRequests.push(options);
      return answers.save ?? null;
    },
    message: async (options) => {
      messages.push(options);
    },
  };
  return { dialogs, messages, saveRequests };
}

function actions(dialogs: Dialogs, commands: AppCommand[] = []) {
  if (!service) throw new Error('no service');
  const running = service;
  return fileActions({
    handlers: service.handlers,
    exportTo: (request, out) => running.exportTo(request, out),
    dialogs,
    command: (command) => commands.push(command),
    saveDir: dir,
    quickStart: 'QUICK START TEXT',
  });
}

describe('menu file actions', () => {
  it('File → Import… reads the file in main, imports it through the handler and shows the new session', async () => {
    const { dialogs, messages } = scriptedDialogs({ open: HAR });
    const commands: AppCommand[] = [];
    await actions(dialogs, commands).importFile();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      type: 'info',
      message: expect.stringMatching(/^Imported \d+ exchanges?$/),
    });
    expect(commands).toHaveLength(1);
    const shown = commands[0];
    expect(shown?.type).toBe('sessions.show');
    const sessions = await service?.handlers['sessions.list']();
    expect(
      sessions?.some((s) => shown?.type === 'sessions.show' && s.id === shown.session && s.exchanges > 0),
    ).toBe(true);
  });

  it('a file that is not a session is reported, not thrown', async () => {
    const junk = join(dir, 'junk.har');
    await writeFile(junk, 'not json at all');
    const { dialogs, messages } = scriptedDialogs({ open: junk });
    const commands: AppCommand[] = [];
    await actions(dialogs, commands).importFile();
    expect(messages).toEqual([{ type: 'error', message: 'Import failed', detail: expect.any(String) }]);
    expect(commands).toEqual([]);
  });

  it('File → Export HAR… writes the current session where the user chose', async () => {
    const target = join(dir, 'out.har');
    const { dialogs, messages, saveRequests } = scriptedDialogs({ save: target });
    await actions(dialogs).exportSession('har');
    expect(messages).toEqual([]);
    expect(saveRequests[0]?.defaultPath).toMatch(
      new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/.+\\.har$`),
    );
    const har = JSON.parse(await readFile(target, 'utf8')) as {
      log: { version: string; entries: unknown[] };
    };
    expect(har.log.version).toBe('1.2');
  });

  it('saves the exchanges the window chose, streamed to the file the user picked', async () => {
    if (!service) throw new Error('no service');
    const imported = await service.handlers['import.load']({
      name: 'chrome.har',
      content: await readFile(HAR, 'utf8'),
    });
    const ids = (await service.handlers['exchanges.list'](imported.session.id)).map((s) => s.id);
    const target = join(dir, 'chosen.jsonl');
    const { dialogs, saveRequests } = scriptedDialogs({ save: target });
    const saved = await actions(dialogs).saveExport({
      format: 'jsonl',
      session: imported.session.id,
      ids: [ids[0] as string],
    });
    expect(saved).toBe(target);
    expect(saveRequests[0]?.defaultPath).toContain(imported.session.id);
    const lines = (await readFile(target, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual([ids[0]]);
    expect(
      await actions(scriptedDialogs({ save: null }).dialogs).saveExport({
        format: 'har',
        session: null,
        ids: null,
      }),
    ).toBeNull();
  });

  it('File → Export JSONL… cancelled writes nothing', async () => {
    const { dialogs, messages, saveRequests } = scriptedDialogs({ save: null });
    await actions(dialogs).exportSession('jsonl');
    expect(saveRequests).toHaveLength(1);
    expect(messages).toEqual([]);
  });

  it('File → New Session starts one', async () => {
    const before = await service?.handlers['status.get']();
    await actions(scriptedDialogs({}).dialogs).newSession();
    const after = await service?.handlers['status.get']();
    expect(after?.session.id).not.toBe(before?.session.id);
  });

  it('Help → Quick Start shows the base_url to use and the README text', async () => {
    const { dialogs, messages } = scriptedDialogs({});
    await actions(dialogs).quickStart();
    const status = await service?.handlers['status.get']();
    expect(messages[0]?.detail).toContain(`${status?.proxyUrl}/v1`);
    expect(messages[0]?.detail).toContain('QUICK START TEXT');
  });
});
