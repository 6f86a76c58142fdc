import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  cleanUpClearline,
  makeDataDir,
  type RunningServer,
  setUpOverHttp,
  spawnClearline,
  startClearline,
} from './helpers/server-process.js';

// The real CLI on bundled data dirs of their own (never TEST_DATABASE_URL): each start takes seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });
afterAll(cleanUpClearline);

const api = (server: RunningServer, url: string, token: string, init: RequestInit = {}) =>
  fetch(`${server.url}${url}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });

async function run(...args: Parameters<typeof spawnClearline>) {
  const proc = spawnClearline(...args);
  const exit = await proc.exited;
  return { code: exit.code, output: proc.stdout() + proc.stderr() };
}

describe('clearline backup and restore on the bundled database', () => {
  it('backs up a running instance and restores it into a new data dir that then serves the same data', async () => {
    const original = makeDataDir();
    const server = await startClearline(original);
    const { token, projectId } = await setUpOverHttp(server.url);
    const created = await api(server, `/api/v1/projects/${projectId}/tickets`, token, {
      method: 'POST',
      body: JSON.stringify({
        subject: 'Backed up',
        body: 'Keep me.',
        requester: { email: 'casey@example.com', name: 'Casey' },
      }),
    });
    expect(created.status).toBe(201);

    const file = path.join(original, 'acme.backup');
    const backup = await run('backup', original, {}, [file]);
    expect(backup.code, backup.output).toBe(0);
    server.child.kill('SIGTERM');
    await server.exited;

    const copy = makeDataDir();
    // Links stay valid only with the same key: it is kept outside the database, so it is copied too.
    fs.copyFileSync(path.join(original, 'secret.key'), path.join(copy, 'secret.key'));
    const restore = await run('restore', copy, {}, [file]);
    expect(restore.code, restore.output).toBe(0);
    const again = await run('restore', copy, {}, [file]);
    expect([again.code, again.output]).toEqual([1, expect.stringContaining('The database is not empty')]);

    const restored = await startClearline(copy);
    const list = await api(restored, `/api/v1/projects/${projectId}/tickets`, token);
    expect(list.status).toBe(200);
    const { tickets } = (await list.json()) as { tickets: { subject: string }[] };
    expect(tickets.map((t) => t.subject)).toEqual(['Backed up']);
  });
});
