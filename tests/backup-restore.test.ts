import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { backupDatabase, RestoreRefused, restoreDatabase } from '../src/server/db/backup.js';
import { createDatabase, type Database } from '../src/server/db/client.js';
import { migrateDatabase } from '../src/server/db/migrate.js';
import { allJobs } from '../src/server/jobs/definitions.js';
import { createBoss, createQueues } from '../src/server/jobs/queue.js';
import { recordActivity } from './helpers/activity.js';
import { createScratchDatabase, createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, type Tenant } from './helpers/factories.js';
import { type FakeDiscord, startFakeDiscord } from './helpers/fake-discord.js';

let t: TestApp;
let tenants: Tenant[];
let dir: string;
let discord: FakeDiscord;
const scratches: Awaited<ReturnType<typeof createScratchDatabase>>[] = [];
const pools: Database[] = [];

async function emptyDatabase() {
  const scratch = await createScratchDatabase({ migrated: false });
  scratches.push(scratch);
  const db = createDatabase(scratch.connection);
  pools.push(db);
  return db;
}

/** Every public table with its row count and a digest of all its rows, to compare two databases. */
async function contentsOf(db: Database) {
  const tables = await db.$client.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
       AND relname <> '__drizzle_migrations' ORDER BY 1`,
  );
  const contents: Record<string, { rows: number; digest: string }> = {};
  for (const { name } of tables.rows) {
    const result = await db.$client.query<{ rows: number; digest: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest
         FROM "${name}" x`,
    );
    contents[name] = result.rows[0] as { rows: number; digest: string };
  }
  return contents;
}

beforeAll(async () => {
  discord = await startFakeDiscord();
  t = await createTestApp({ discordApiUrl: discord.apiUrl, discordAuthorizeUrl: discord.authorizeUrl });
  tenants = [await buildAccount(t, { name: 'Acme' }), await buildAccount(t, { name: 'Globex' })];
  for (const tenant of tenants) await recordActivity(t, tenant, discord);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clearline-backup-'));
});

afterAll(async () => {
  await discord.close();
  for (const db of pools) await db.$client.end();
  for (const scratch of scratches) await scratch.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('a restore into an empty database gives back every row, and the app works on it', async () => {
    const file = path.join(dir, 'clearline.backup');
    const backedUp = await backupDatabase(t.db, file);
    const restored = await emptyDatabase();
    expect(await restoreDatabase(restored, file)).toEqual(backedUp);
    await migrateDatabase(restored);
    await createQueues(createBoss(restored), allJobs);

    const before = await contentsOf(t.db);
    expect(Object.values(before).every((table) => table.rows > 0 || table === before.captcha_uses)).toBe(
      true,
    );
    expect(await contentsOf(restored)).toEqual(before);

    // The same API token signs in; a new reply gets the next sequence numbers, not a duplicate key.
    const app = await buildApp({ ...t.ctx, db: restored });
    try {
      const [acme] = tenants as [Tenant];
      const list = await app.inject({
        method: 'GET',
        url: `/api/v1/projects/${acme.projectId}/tickets`,
        headers: acme.owner.headers,
      });
      expect(list.statusCode, list.body).toBe(200);
      const [ticket] = list.json().tickets;
      expect(ticket.subject).toBe('The printer is on fire');
      const reply = await app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${ticket.id}/messages`,
        headers: acme.owner.headers,
        payload: { body: 'Back after the restore.' },
      });
      expect(reply.statusCode, reply.body).toBe(201);
    } finally {
      await app.close();
    }
  });

  it('a restore refuses a database that is not empty', async () => {
    const file = path.join(dir, 'refused.backup');
    await backupDatabase(t.db, file);
    await expect(restoreDatabase(t.db, file)).rejects.toBeInstanceOf(RestoreRefused);
  });

  it('a truncated backup is refused and restores no row', async () => {
    const file = path.join(dir, 'truncated.backup');
    await backupDatabase(t.db, file);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(file, `${lines.slice(0, Math.floor(lines.length / 2)).join('\n')}\n`);
    const target = await emptyDatabase();
    await expect(restoreDatabase(target, file)).rejects.toBeInstanceOf(RestoreRefused);
    expect(Object.values(await contentsOf(target)).every((table) => table.rows === 0)).toBe(true);
  });
});
