import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../src/server/db/client.js';
import { recordActivity } from './helpers/activity.js';
import { createScratchDatabase, createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount } from './helpers/factories.js';
import { type FakeDiscord, startFakeDiscord } from './helpers/fake-discord.js';

/** Tables that belong to the installation, not to an account (docs/operations.md says why). */
const INSTANCE_WIDE = [
  '__drizzle_migrations',
  'accounts',
  'captcha_uses',
  'instance_secrets',
  'login_attempts',
];
/** The tables that had no account_id before the tenant_account_id migration. */
const BACKFILLED = [
  'api_tokens',
  'audit_events',
  'csat_events',
  'csat_settings',
  'csat_surveys',
  'customer_sign_in_tokens',
  'messages',
  'project_members',
  'requester_notifications',
  'roles',
  'sessions',
  'staff_notifications',
  'ticket_watchers',
  'tickets',
];
/** The parent each tenant row names, whose account it must share. */
const PARENTS = { project_id: 'projects', ticket_id: 'tickets', user_id: 'users', customer_id: 'customers' };

async function tablesOf(db: Database) {
  const result = await db.$client.query<{ table: string; has_account: boolean; columns: string[] }>(`
    SELECT t.relname AS table,
           EXISTS (SELECT 1 FROM pg_attribute a
                    JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'f'
                     AND k.confrelid = 'accounts'::regclass AND k.conkey = ARRAY[a.attnum]
                   WHERE a.attrelid = t.oid AND a.attname = 'account_id' AND a.attnotnull) AS has_account,
           array(SELECT attname::text FROM pg_attribute WHERE attrelid = t.oid AND attnum > 0) AS columns
      FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND t.relkind = 'r'
     ORDER BY 1`);
  return result.rows;
}

describe('every tenant table carries account_id (distribution by account)', () => {
  let t: TestApp;
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
    t = await createTestApp({ discordApiUrl: discord.apiUrl, discordAuthorizeUrl: discord.authorizeUrl });
  });
  afterAll(() => discord.close());

  it('every table but the instance-wide ones has a NOT NULL account_id referencing accounts', async () => {
    const tables = await tablesOf(t.db);
    expect(tables.filter((r) => !r.has_account).map((r) => r.table)).toEqual(INSTANCE_WIDE);
  });

  it('rows written through the API carry the account of the project, ticket, user or customer they belong to', async () => {
    const tenants = [await buildAccount(t, { name: 'Acme' }), await buildAccount(t, { name: 'Globex' })];
    for (const tenant of tenants) await recordActivity(t, tenant, discord);
    for (const { table, has_account, columns } of await tablesOf(t.db)) {
      if (!has_account) continue;
      const accounts = await t.db.$client.query<{ account_id: string }>(
        `SELECT DISTINCT account_id FROM ${table} ORDER BY 1`,
      );
      expect(
        accounts.rows.map((r) => r.account_id),
        table,
      ).toEqual(tenants.map((x) => x.accountId).sort());
      for (const [column, parent] of Object.entries(PARENTS)) {
        if (!columns.includes(column) || table === parent) continue;
        const strays = await t.db.$client.query(
          `SELECT 1 FROM ${table} c JOIN ${parent} p ON p.id = c.${column} WHERE p.account_id <> c.account_id`,
        );
        expect(strays.rowCount, `${table}.${column}`).toBe(0);
      }
    }
  });
});

describe('the account_id migration', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Database;
  let oldMigrations: string;
  const migrationsFolder = fileURLToPath(new URL('../src/server/db/migrations', import.meta.url));

  beforeAll(async () => {
    scratch = await createScratchDatabase({ migrated: false });
    db = createDatabase(scratch.connection);
    // The migrations as they stood before account_id: the same files, the journal cut before it.
    oldMigrations = fs.mkdtempSync(path.join(os.tmpdir(), 'clearline-migrations-'));
    fs.cpSync(migrationsFolder, oldMigrations, { recursive: true });
    const journalPath = path.join(oldMigrations, 'meta/_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8'));
    const cut = journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith('_tenant_account_id'));
    journal.entries = journal.entries.slice(0, cut);
    fs.writeFileSync(journalPath, JSON.stringify(journal));
  });
  afterAll(async () => {
    await db.$client.end();
    await scratch.drop();
    fs.rmSync(oldMigrations, { recursive: true, force: true });
  });

  /** One account's rows in every table that lacked account_id, written as the old schema took them. */
  async function writeOldRows() {
    const [a, u, p, r, c, tk, m, s] = Array.from({ length: 8 }, () => randomUUID());
    const statements: [string, unknown[]][] = [
      [`INSERT INTO accounts (id, name, created_at) VALUES ($1, 'Old', now())`, [a]],
      [
        `INSERT INTO users (id, account_id, email, name, password_hash, created_at) VALUES ($1, $2, $3, 'O', 'x', now())`,
        [u, a, `${u}@example.com`],
      ],
      [
        `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, now(), now())`,
        [u, u],
      ],
      [
        `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, 't', $2, now())`,
        [u, `hash-${u}`],
      ],
      [
        `INSERT INTO projects (id, account_id, name, key, created_at) VALUES ($1, $2, 'S', 'SUP', now())`,
        [p, a],
      ],
      [
        `INSERT INTO roles (id, project_id, name, kind, permissions) VALUES ($1, $2, 'Owner', 'owner', '{}')`,
        [r, p],
      ],
      [
        `INSERT INTO project_members (project_id, user_id, role_id, created_at) VALUES ($1, $2, $3, now())`,
        [p, u, r],
      ],
      [
        `INSERT INTO customers (id, account_id, email, name, created_at) VALUES ($1, $2, 'c@x.test', 'C', now())`,
        [c, a],
      ],
      [
        `INSERT INTO tickets (id, project_id, number, subject, requester_id, created_at, updated_at)
         VALUES ($1, $2, 1, 'S', $3, now(), now())`,
        [tk, p, c],
      ],
      [`INSERT INTO ticket_watchers (ticket_id, user_id) VALUES ($1, $2)`, [tk, u]],
      [
        `INSERT INTO messages (id, ticket_id, kind, body, body_html, created_at) VALUES ($1, $2, 'public', 'b', 'b', now())`,
        [m, tk],
      ],
      [
        `INSERT INTO audit_events (project_id, ticket_id, type, created_at) VALUES ($1, $2, 'x', now())`,
        [p, tk],
      ],
      [`INSERT INTO csat_settings (project_id, invitation_text, updated_at) VALUES ($1, 'x', now())`, [p]],
      [
        `INSERT INTO csat_surveys (id, project_id, ticket_id, resolution, created_at, expires_at)
         VALUES ($1, $2, $3, 1, now(), now())`,
        [s, p, tk],
      ],
      [
        `INSERT INTO csat_events (survey_id, project_id, ticket_id, type, created_at) VALUES ($1, $2, $3, 'created', now())`,
        [s, p, tk],
      ],
      [
        `INSERT INTO requester_notifications (customer_id, project_id, ticket_id, kind, survey_id, created_at)
         VALUES ($1, $2, $3, 'survey', $4, now())`,
        [c, p, tk, s],
      ],
      [
        `INSERT INTO staff_notifications (user_id, project_id, ticket_id, kind, message_id, created_at)
         VALUES ($1, $2, $3, 'requester_reply', $4, now())`,
        [u, p, tk, m],
      ],
      [
        `INSERT INTO customer_sign_in_tokens (customer_id, created_at, expires_at) VALUES ($1, now(), now())`,
        [c],
      ],
    ];
    for (const [text, values] of statements) await db.$client.query(text, values);
    return a as string;
  }

  it('fills account_id of rows written before it from their parents, then makes it NOT NULL', async () => {
    await migrate(db, { migrationsFolder: oldMigrations, migrationsSchema: 'public' });
    const written = [await writeOldRows(), await writeOldRows()].sort();
    await migrate(db, { migrationsFolder, migrationsSchema: 'public' });
    for (const table of BACKFILLED) {
      const result = await db.$client.query<{ account_id: string; n: number }>(
        `SELECT account_id, count(*)::int AS n FROM ${table} GROUP BY 1 ORDER BY 1`,
      );
      expect(result.rows, table).toEqual(written.map((account_id) => ({ account_id, n: 1 })));
    }
    const tables = await tablesOf(db);
    expect(tables.filter((r) => BACKFILLED.includes(r.table) && !r.has_account)).toEqual([]);
  });
});
