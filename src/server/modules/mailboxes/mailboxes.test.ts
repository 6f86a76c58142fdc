import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { type Dovecot, dovecotMissing, startDovecot } from '../../../../tests/helpers/dovecot.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { ingestInboundMail, replyAddress } from '../inbound/index.js';
import { findTicketSummary } from '../tickets/index.js';
import { PROCESSED_KEYWORD, startMailboxWatchers, TOO_LARGE_KEYWORD } from './mailbox-watchers.js';

const missing = dovecotMissing();
if (missing) console.warn(`Skipping the IMAP mailbox tests: ${missing}`);

const DOMAIN = 'in.example.test';
const MAX_BYTES = 64 * 1024;
let t: TestApp;
let tenant: Tenant;
let dovecot: Dovecot;
let plain: Dovecot;

beforeAll(async () => {
  if (missing) return;
  t = await createTestApp({ mailInboundDomain: DOMAIN, inboundMaxBytes: MAX_BYTES });
  tenant = await buildAccount(t);
  [dovecot, plain] = await Promise.all([startDovecot(), startDovecot({ idle: false })]);
});
afterAll(async () => {
  await dovecot?.stop();
  await plain?.stop();
});

const settingsOf = (d: Dovecot, extra: Record<string, unknown> = {}) => ({
  host: d.host,
  port: d.port,
  tls: false,
  username: d.user,
  password: d.password,
  ...extra,
});

const put = (body: unknown, headers = tenant.owner.headers, projectId = tenant.projectId) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/v1/projects/${projectId}/mailbox`,
    headers,
    payload: body as object,
  });

const mail = (id: string, o: { subject?: string; from?: string; to?: string; body?: string } = {}) =>
  `From: ${o.from ?? 'rita@example.org'}\r\nTo: ${o.to ?? 'support@example.test'}\r\nSubject: ${o.subject ?? `Printer on fire ${id}`}\r\nMessage-ID: <${id}@example.org>\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\n\r\n${o.body ?? 'It is really on fire.'}\r\n`;

/** The project's tickets with this subject: a mail read from the mailbox became one. */
const ticketsTitled = async (projectId: string, subject: string) =>
  (
    await t.db.execute<{ id: string }>(
      sql`SELECT id FROM tickets WHERE project_id = ${projectId} AND subject = ${subject}`,
    )
  ).rows;

const until = async <T>(fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe.skipIf(missing)(
  'IMAP mailbox settings: checked against the server, password sealed and never returned',
  () => {
    it('refuses a wrong password with the server’s reason and stores nothing', async () => {
      const res = await put(settingsOf(dovecot, { password: 'wrong' }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('MAILBOX_UNREACHABLE');
      expect(res.json().error.message).toMatch(/user name or password/);
      const get = await t.app.inject({
        method: 'GET',
        url: `/api/v1/projects/${tenant.projectId}/mailbox`,
        headers: tenant.owner.headers,
      });
      expect(get.statusCode).toBe(404);
    });

    it('refuses a folder the server does not have, and a port where nothing listens', async () => {
      const folder = await put(settingsOf(dovecot, { folder: 'Nope' }));
      expect(folder.json().error).toMatchObject({
        code: 'MAILBOX_UNREACHABLE',
        message: expect.stringContaining('"Nope"'),
      });
      const port = await put(settingsOf(dovecot, { port: 1 }));
      expect(port.json().error.code).toBe('MAILBOX_UNREACHABLE');
    });

    it('needs the password the first time, then keeps it when left out; never returns or stores it in clear', async () => {
      const { password: _, ...withoutPassword } = settingsOf(dovecot);
      expect((await put({ ...withoutPassword, enabled: false })).json().error.code).toBe('VALIDATION_ERROR');
      const saved = await put({ ...settingsOf(dovecot), enabled: false });
      expect(saved.statusCode).toBe(200);
      expect(saved.body).not.toContain(dovecot.password);
      expect(saved.json()).toMatchObject({ passwordSet: true, folder: 'INBOX', enabled: false });
      const again = await put({ ...withoutPassword, enabled: true, pollSeconds: 30 });
      expect(again.statusCode).toBe(200);
      const rows = await t.db.execute(sql`SELECT password_sealed FROM project_mailboxes`);
      expect(JSON.stringify(rows.rows)).not.toContain(dovecot.password);
      await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/projects/${tenant.projectId}/mailbox`,
        headers: tenant.owner.headers,
      });
    });

    it('is settings.manage only', async () => {
      const staff = await buildMember(t, tenant, { role: 'staff' });
      const res = await put(settingsOf(dovecot), staff.headers);
      expect(res.statusCode).toBe(403);
      const get = await t.app.inject({
        method: 'GET',
        url: `/api/v1/projects/${tenant.projectId}/mailbox`,
        headers: staff.headers,
      });
      expect(get.statusCode).toBe(403);
    });
  },
);

describe.skipIf(missing)(
  'IMAP polling: each message committed once through the inbound pipeline, then flagged or moved',
  () => {
    it('picks up new mail by IDLE: each message becomes a ticket once and is flagged after; the same mail delivered twice is one ticket', async () => {
      const project = await buildAccount(t);
      await dovecot.deliver(mail('before'));
      const stop = await startMailboxWatchers(t.ctx, console);
      try {
        expect((await put(settingsOf(dovecot), project.owner.headers, project.projectId)).statusCode).toBe(
          200,
        );
        await until(
          async () => (await ticketsTitled(project.projectId, 'Printer on fire before')).length === 1,
        );
        await dovecot.deliver(mail('during'));
        await dovecot.deliver(mail('during'));
        await until(async () => {
          const f = await dovecot.flags();
          return f.size === 2 && [...f.values()].every((v) => v.includes(PROCESSED_KEYWORD));
        });
        expect(await ticketsTitled(project.projectId, 'Printer on fire during')).toHaveLength(1);
      } finally {
        await stop();
      }
    });

    it('a crash between the commit and the flag adds nothing: the message found again is only flagged', async () => {
      const project = await buildAccount(t);
      const raw = mail('crashed');
      const box = await startDovecot();
      try {
        await box.deliver(raw);
        // As if a watcher committed it and died before flagging it.
        await ingestInboundMail(t.ctx, {
          raw: Buffer.from(raw),
          envelopeTo: [],
          source: 'imap',
          projectId: project.projectId,
        });
        const stop = await startMailboxWatchers(t.ctx, console);
        try {
          expect((await put(settingsOf(box), project.owner.headers, project.projectId)).statusCode).toBe(200);
          await until(async () =>
            [...(await box.flags()).values()].every((v) => v.includes(PROCESSED_KEYWORD)),
          );
          expect(await ticketsTitled(project.projectId, 'Printer on fire crashed')).toHaveLength(1);
        } finally {
          await stop();
        }
      } finally {
        await box.stop();
      }
    });

    it('a requester’s reply read from the mailbox reopens the resolved ticket and withdraws its survey', async () => {
      const project = await buildAccount(t);
      const ticket = await buildTicket(t, project, {
        requester: { email: 'rosa@example.org', name: 'Rosa' },
      });
      const summary = await findTicketSummary(t.db, ticket.id);
      const to = summary && replyAddress(t.ctx.links, DOMAIN, summary);
      expect(to).toBeTruthy();
      const resolved = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/tickets/${ticket.id}`,
        headers: project.owner.headers,
        payload: { status: 'resolved' },
      });
      expect(resolved.statusCode).toBe(200);
      const box = await startDovecot();
      const stop = await startMailboxWatchers(t.ctx, console);
      try {
        expect((await put(settingsOf(box), project.owner.headers, project.projectId)).statusCode).toBe(200);
        await box.deliver(
          mail('reply', {
            from: 'rosa@example.org',
            to: String(to),
            subject: 'Re: it',
            body: 'Still broken.',
          }),
        );
        const status = await until(async () => {
          const [row] = (
            await t.db.execute<{ status: string }>(sql`SELECT status FROM tickets WHERE id = ${ticket.id}`)
          ).rows;
          return row?.status === 'open' && row.status;
        });
        expect(status).toBe('open');
        const surveys = await t.app.inject({
          method: 'GET',
          url: `/api/v1/tickets/${ticket.id}/surveys`,
          headers: project.owner.headers,
        });
        expect(surveys.json().surveys).toHaveLength(0);
      } finally {
        await stop();
        await box.stop();
      }
    });

    it('where the server offers no IDLE it still reads the mailbox, and moves processed mail when asked; a mail over INBOUND_MAX_BYTES is left, flagged', async () => {
      const project = await buildAccount(t);
      const client = await plain.client();
      await client.mailboxCreate('Done');
      await client.logout();
      const stop = await startMailboxWatchers(t.ctx, console);
      try {
        const saved = await put(
          settingsOf(plain, { pollSeconds: 10, processedFolder: 'Done' }),
          project.owner.headers,
          project.projectId,
        );
        expect(saved.statusCode).toBe(200);
        await plain.deliver(mail('polled'));
        await plain.deliver(mail('huge', { body: 'x'.repeat(MAX_BYTES) }));
        await until(
          async () => (await ticketsTitled(project.projectId, 'Printer on fire polled')).length === 1,
          30_000,
        );
        await until(
          async () => [...(await plain.flags('INBOX')).values()].some((v) => v.includes(TOO_LARGE_KEYWORD)),
          30_000,
        );
        expect([...(await plain.flags('Done')).keys()]).toEqual(['<polled@example.org>']);
        expect(await ticketsTitled(project.projectId, 'Printer on fire huge')).toHaveLength(0);
        const mailbox = await t.app.inject({
          method: 'GET',
          url: `/api/v1/projects/${project.projectId}/mailbox`,
          headers: project.owner.headers,
        });
        expect(mailbox.json().lastError).toMatch(/larger than INBOUND_MAX_BYTES/);
      } finally {
        await stop();
      }
    });
  },
);
