import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { portalLinkOf } from '../../../../tests/helpers/portal.js';
import { startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { listAttachments } from '../attachments/index.js';
import { sendDeliveryJob } from '../delivery/index.js';
import { ingestInboundMail, startInboundSmtp } from './index.js';

const DOMAIN = 'in.example.com';
const MAX_BYTES = 2 * 1024 * 1024;
let t: TestApp;
let tenant: Tenant;
let outbox: Awaited<ReturnType<typeof startSmtpServer>>;
let listener: Awaited<ReturnType<typeof startInboundSmtp>>;
let client: Transporter;
const support = `support-${randomBytes(3).toString('hex')}@${DOMAIN}`;

beforeAll(async () => {
  outbox = await startSmtpServer();
  t = await createTestApp({ smtpUrl: outbox.url, mailInboundDomain: DOMAIN, inboundMaxBytes: MAX_BYTES });
  tenant = await buildAccount(t);
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/projects/${tenant.projectId}/inbound/settings`,
    headers: tenant.owner.headers,
    payload: { address: support, newTicketsPerSenderHour: 3 },
  });
  expect(res.statusCode).toBe(200);
  listener = await startInboundSmtp(t.ctx, { port: 0, host: '127.0.0.1', tls: null }, t.app.log);
  client = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    ignoreTLS: true,
  });
});

afterAll(async () => {
  client?.close();
  await listener?.close();
  await outbox?.close();
});

const unique = () => randomBytes(4).toString('hex');

/** A fixture of tests/fixtures/mail with its placeholders filled, byte for byte otherwise. */
function fixture(
  name: string,
  fill: Partial<Record<'TO' | 'FROM' | 'SUBJECT' | 'REFERENCES' | 'ID', string>> = {},
) {
  const text = fs.readFileSync(new URL(`../../../../tests/fixtures/mail/${name}`, import.meta.url), 'latin1');
  const values: Record<string, string> = {
    TO: support,
    FROM: `casey-${unique()}@example.org`,
    SUBJECT: `Question ${unique()}`,
    REFERENCES: '<none@example.org>',
    ID: unique(),
    ...fill,
  };
  return Buffer.from(
    text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? ''),
    'latin1',
  );
}

const send = (raw: Buffer, to: string = support, from = 'sender@example.org') =>
  client.sendMail({ envelope: { from, to: [to] }, raw });

const inbound = async () =>
  (
    await t.db.execute<{
      status: string;
      reason: string | null;
      ticket_id: string | null;
      subject: string;
      message_id_header: string;
    }>(
      sql`SELECT status, reason, ticket_id, subject, message_id_header FROM inbound_messages ORDER BY received_at`,
    )
  ).rows;

const thread = async (ticketId: string) => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
  });
  expect(res.statusCode).toBe(200);
  const body = res.json() as {
    status: string;
    requester: { email: string };
    thread: {
      id: string;
      kind: string;
      body: string;
      attachments: { id: string; filename: string; contentType: string }[];
    }[];
  };
  return { ...body, messages: body.thread };
};

const rowFor = async (messageIdPart: string) => {
  const rows = await inbound();
  const row = rows.find((r) => r.message_id_header.includes(messageIdPart));
  expect(row).toBeDefined();
  return row as (typeof rows)[number];
};

describe('inbound SMTP listener', () => {
  it('is never an open relay: a recipient Clearline does not own, or a forged reply token, is refused at RCPT with 550', async () => {
    await expect(send(fixture('html-only.eml'), 'someone@elsewhere.example')).rejects.toMatchObject({
      responseCode: 550,
    });
    const forged = `reply+${'A'.repeat(65)}@${DOMAIN}`;
    await expect(send(fixture('html-only.eml'), forged)).rejects.toMatchObject({ responseCode: 550 });
  });

  it('refuses a mail larger than INBOUND_MAX_BYTES with 552 at DATA and keeps nothing of it', async () => {
    const before = (await inbound()).length;
    const big = Buffer.concat([fixture('html-only.eml'), Buffer.alloc(MAX_BYTES + 1024, 'a')]);
    await expect(send(big)).rejects.toMatchObject({ responseCode: 552 });
    expect((await inbound()).length).toBe(before);
  });

  it('a 30 MB mail against the default 25 MB limit gets 552 (declared SIZE or counted at DATA), not a crash', async () => {
    const defaults = { ...t.ctx, config: { ...t.ctx.config, inboundMaxBytes: 25 * 1024 * 1024 } };
    const server = await startInboundSmtp(defaults, { port: 0, host: '127.0.0.1', tls: null }, t.app.log);
    const c = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      ignoreTLS: true,
    });
    const raw = Buffer.concat([
      fixture('html-only.eml', { SUBJECT: 'thirty' }),
      Buffer.alloc(30 * 1024 * 1024, 'x\r\n'),
    ]);
    await expect(
      c.sendMail({ envelope: { from: 'a@example.org', to: [support] }, raw }),
    ).rejects.toMatchObject({
      responseCode: 552,
    });
    c.close();
    await server.close();
    expect((await inbound()).some((r) => r.subject === 'thirty')).toBe(false);
  });

  it('with INBOUND_SMTP_TLS_CERT/_KEY the listener offers STARTTLS, and a client that requires it delivers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inbound-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const server = await startInboundSmtp(
      t.ctx,
      { port: 0, host: '127.0.0.1', tls: { cert, key } },
      t.app.log,
    );
    const c = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
    });
    try {
      const info = await c.sendMail({
        envelope: { from: 'a@example.org', to: [support] },
        raw: fixture('html-only.eml', { SUBJECT: 'over TLS' }),
      });
      expect(info.response).toMatch(/^250/);
      expect((await inbound()).some((r) => r.subject === 'over TLS')).toBe(true);
    } finally {
      c.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a new mail opens a ticket for its sender, and the same mail delivered twice makes one ticket (Message-ID per project)', async () => {
    const from = `new-${unique()}@example.org`;
    const raw = fixture('latin1.eml', { FROM: from });
    await send(raw);
    await send(raw);
    const rows = (await inbound()).filter((r) => r.subject === 'Problème de téléphone');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('ticket');
    const ticket = await thread(rows[0]?.ticket_id as string);
    expect(ticket.requester.email).toBe(from);
    expect(ticket.messages[0]?.body).toBe("Mon téléphone ne s'allume plus, voilà.");
  });

  it('HTML-only mail becomes Markdown text with no script or markup left', async () => {
    await send(fixture('html-only.eml', { SUBJECT: 'Invoice wrong' }));
    const row = await rowFor('html-only-');
    const body = (await thread(row.ticket_id as string)).messages[0]?.body ?? '';
    expect(body).toContain('My **invoice** is wrong.');
    expect(body).toContain('[the invoice](https://example.org/inv)');
    expect(body).not.toMatch(/<script|alert\('x'\)|onerror|<b>/);
  });

  it('auto-replies and mailing-list mail open no ticket (no acknowledgement, no notification) and are kept', async () => {
    await send(fixture('auto-reply.eml'));
    await send(fixture('mailing-list.eml'));
    expect(await rowFor('ooo-')).toMatchObject({
      status: 'auto',
      ticket_id: null,
      reason: 'Auto-Submitted: auto-replied',
    });
    expect(await rowFor('list-')).toMatchObject({
      status: 'auto',
      ticket_id: null,
      reason: 'Precedence: list',
    });
  });

  it('malformed MIME is kept for review, never dropped, and answered 250', async () => {
    const info = await send(fixture('malformed.eml', { SUBJECT: 'broken' }));
    expect(info.response).toMatch(/^250/);
    const rows = (await inbound()).filter((r) => r.status === 'held' && r.reason?.startsWith('malformed'));
    expect(rows).toHaveLength(1);
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/inbound/messages?status=held`,
      headers: tenant.owner.headers,
    });
    const held = list.json().messages as { id: string; reason: string }[];
    const kept = held.find((m) => m.reason.startsWith('malformed'));
    const raw = await t.app.inject({
      method: 'GET',
      url: `/api/v1/inbound/messages/${kept?.id}/raw`,
      headers: tenant.owner.headers,
    });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-disposition']).toMatch(/^attachment/);
    expect(raw.body).toContain('@@@@ not base64 @@@@');
  });

  it('at most N new tickets per sender per hour; the rest are held, and staff can release one', async () => {
    const from = `flood-${unique()}@example.org`;
    for (let i = 0; i < 4; i++) await send(fixture('html-only.eml', { FROM: from, SUBJECT: `flood ${i}` }));
    // The test clock stands still: the order is the subjects', which were sent in order.
    const rows = (await inbound())
      .filter((r) => r.subject.startsWith('flood '))
      .sort((a, b) => a.subject.localeCompare(b.subject));
    expect(rows.map((r) => r.status)).toEqual(['ticket', 'ticket', 'ticket', 'held']);
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/inbound/messages`,
      headers: tenant.owner.headers,
    });
    const held = (list.json().messages as { id: string; subject: string }[]).find(
      (m) => m.subject === 'flood 3',
    );
    const released = await t.app.inject({
      method: 'POST',
      url: `/api/v1/inbound/messages/${held?.id}/review`,
      headers: tenant.owner.headers,
      payload: { action: 'release' },
    });
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({ status: 'ticket' });
  });

  it('a mail naming an existing ticket from someone who is not its requester opens a new ticket (no injection)', async () => {
    const ticket = await buildTicket(t, tenant, {
      requester: { email: `owner-${unique()}@example.org`, name: 'R' },
    });
    await send(fixture('html-only.eml', { SUBJECT: `[${ticket.reference}] let me in` }));
    const row = (await inbound()).find((r) => r.subject === `[${ticket.reference}] let me in`);
    expect(row?.status).toBe('ticket');
    expect(row?.ticket_id).not.toBe(ticket.id);
  });

  it('[REF-n] in the subject threads a mail from the ticket requester', async () => {
    const email = `ref-${unique()}@example.org`;
    const ticket = await buildTicket(t, tenant, { requester: { email, name: 'R' } });
    await send(
      fixture('outlook-original-message.eml', { FROM: email, SUBJECT: `[${ticket.reference}] still broken` }),
    );
    const { messages } = await thread(ticket.id);
    expect(messages.at(-1)?.body).toBe('Older Outlook puts the history under a rule.');
  });
});

describe('a requester answers an agent mail (end to end through the listener)', () => {
  async function agentMail() {
    const email = `req-${unique()}@example.org`;
    const ticket = await buildTicket(t, tenant, { requester: { email, name: 'Rita' } });
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticket.id}/messages`,
      headers: tenant.owner.headers,
      payload: { body: 'Please unplug it.' },
    });
    expect(reply.statusCode).toBe(201);
    await t.runJobs(sendDeliveryJob);
    const [mail] = outbox.to(email);
    const replyTo = mail?.parsed.replyTo?.[0]?.address ?? '';
    expect(replyTo).toMatch(new RegExp(`^reply\\+[A-Za-z0-9_-]+@${DOMAIN}$`));
    expect(mail?.parsed.text).toContain('-- Reply above this line to answer --');
    return { ticket, email, replyTo, messageId: mail?.parsed.messageId as string };
  }

  it('Gmail reply to the Reply-To reopens a resolved ticket, withdraws its survey, keeps only the new words; delivered twice, one message', async () => {
    const { ticket, email, replyTo, messageId } = await agentMail();
    const resolved = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: tenant.owner.headers,
      payload: { status: 'resolved' },
    });
    expect(resolved.statusCode).toBe(200);
    const surveysBefore = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/surveys`,
      headers: tenant.owner.headers,
    });
    expect(surveysBefore.json().surveys).toHaveLength(1);

    const raw = fixture('gmail-reply.eml', {
      FROM: email,
      TO: replyTo,
      REFERENCES: messageId,
      SUBJECT: ticket.reference,
    });
    await send(raw, replyTo);
    await send(raw, replyTo);

    const after = await thread(ticket.id);
    expect(after.status).toBe('open');
    const mine = after.messages.filter((m) => m.body.startsWith('Thanks, it still smokes'));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body).toBe('Thanks, it still smokes a little — what should I try next?');
    expect(after.messages.some((m) => m.kind === 'system' && /Resolved to Open/.test(m.body))).toBe(true);
    const surveysAfter = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/surveys`,
      headers: tenant.owner.headers,
    });
    expect(surveysAfter.json().surveys).toHaveLength(0);
  });

  it('Outlook and Apple Mail replies thread by In-Reply-To and lose their quoted history', async () => {
    const { ticket, email, messageId } = await agentMail();
    await send(fixture('outlook-reply.eml', { FROM: email, REFERENCES: messageId, SUBJECT: 'x' }));
    await send(fixture('apple-reply.eml', { FROM: email, REFERENCES: messageId, SUBJECT: 'x' }));
    const bodies = (await thread(ticket.id)).messages.filter((m) => m.kind === 'public').map((m) => m.body);
    expect(bodies.slice(-2)).toEqual([
      'Unplugged it, the smell is gone. Thank you!\n\nCasey',
      'Sent from my Mac: it works again.',
    ]);
  });

  it('a reply on a closed ticket opens a follow-up linked to it, said in both threads', async () => {
    const { ticket, email, replyTo } = await agentMail();
    for (const status of ['resolved', 'closed']) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/tickets/${ticket.id}`,
        headers: tenant.owner.headers,
        payload: { status },
      });
      expect(res.statusCode).toBe(200);
    }
    const id = `closed-${unique()}`;
    await send(fixture('apple-reply.eml', { FROM: email, TO: replyTo, ID: id }), replyTo);
    const row = await rowFor(id);
    expect(row?.reason).toBe('follow-up of a closed ticket');
    const followUp = await thread(row?.ticket_id as string);
    expect(followUp.messages.some((m) => m.kind === 'system' && m.body.includes(ticket.reference))).toBe(
      true,
    );
    const closed = await thread(ticket.id);
    expect(closed.status).toBe('closed');
    expect(closed.messages.some((m) => m.kind === 'system' && m.body.includes('follow-up'))).toBe(true);
  });

  it('a DSN bounce of our mail marks that delivery bounced and opens no ticket', async () => {
    const { ticket, email, messageId } = await agentMail();
    await send(fixture('dsn-bounce.eml', { FROM: email, REFERENCES: messageId }), support, '');
    expect(await rowFor('dsn-')).toMatchObject({ status: 'bounce', ticket_id: null });
    const mails = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.id}/mails`,
      headers: tenant.owner.headers,
    });
    expect(mails.json().mails.map((m: { status: string }) => m.status)).toContain('bounced');
  });

  it('a multipart mail with an attachment and an inline image becomes a ticket whose first message carries both files, byte for byte, for staff and for the requester, and names the image in its text', async () => {
    const raw = fixture('attachments.eml', { SUBJECT: 'with files' });
    await send(raw);
    const row = await rowFor('attach-');
    expect(row.status).toBe('ticket');
    const message = (await thread(row.ticket_id as string)).messages[0];
    expect(message?.body).toContain('Screenshot of the error: [image: shot.png]');
    const files = message?.attachments ?? [];
    expect(files.map((f) => [f.filename, f.contentType])).toEqual([
      ['shot.png', 'image/png'],
      ['invoice.pdf', 'application/pdf'],
    ]);
    expect((await listAttachments(t.db, [message?.id as string])).map((f) => f.contentId)).toEqual([
      'shot@example.org',
      null,
    ]);
    const expected = (await PostalMime.parse(raw)).attachments.map((a) =>
      Buffer.from(a.content as ArrayBuffer),
    );
    const portalToken = portalLinkOf(t, row.ticket_id as string).slice('/p/'.length);
    for (const [i, file] of files.entries()) {
      const staff = await t.app.inject({
        method: 'GET',
        url: `/api/v1/attachments/${file.id}`,
        headers: tenant.owner.headers,
      });
      const requester = await t.app.inject({
        method: 'GET',
        url: `/api/v1/portal/${portalToken}/attachments/${file.id}`,
      });
      for (const res of [staff, requester]) {
        expect(res.statusCode).toBe(200);
        expect(res.rawPayload.equals(expected[i] as Buffer)).toBe(true);
      }
    }
  });

  it('a held mail released by staff brings its files onto the ticket it opens', async () => {
    const from = `held-files-${unique()}@example.org`;
    for (let i = 0; i < 3; i++) await send(fixture('html-only.eml', { FROM: from, SUBJECT: `fill ${i}` }));
    await send(fixture('attachments.eml', { FROM: from, SUBJECT: 'held with files' }));
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/inbound/messages?status=held`,
      headers: tenant.owner.headers,
    });
    const held = (list.json().messages as { id: string; subject: string }[]).find(
      (m) => m.subject === 'held with files',
    );
    const released = await t.app.inject({
      method: 'POST',
      url: `/api/v1/inbound/messages/${held?.id}/review`,
      headers: tenant.owner.headers,
      payload: { action: 'release' },
    });
    expect(released.json()).toMatchObject({ status: 'ticket' });
    const message = (await thread(released.json().ticketId)).messages[0];
    expect(message?.attachments.map((f) => f.filename)).toEqual(['shot.png', 'invoice.pdf']);
  });

  it('a reply by mail with a file attaches it to the reply, not to the first message', async () => {
    const requester = `files-${unique()}@example.org`;
    const first = fixture('html-only.eml', { FROM: requester, SUBJECT: 'first' });
    await send(first);
    const ticketId = (await inbound()).find((r) => r.subject === 'first')?.ticket_id as string;
    const { reference } = (
      await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: tenant.owner.headers })
    ).json() as { reference: string };
    await send(fixture('attachments.eml', { FROM: requester, SUBJECT: `Re: [${reference}] first` }));
    const publicOnes = (await thread(ticketId)).messages.filter((m) => m.kind === 'public');
    expect(publicOnes).toHaveLength(2);
    const files = await listAttachments(
      t.db,
      publicOnes.map((m) => m.id),
    );
    expect(files.map((f) => [f.messageId, f.filename])).toEqual([
      [publicOnes[1]?.id, 'shot.png'],
      [publicOnes[1]?.id, 'invoice.pdf'],
    ]);
  });

  it('a file past the attachment limit is left out and named in the mail record; the ticket opens and the original keeps it', async () => {
    // shot.png is 70 bytes, invoice.pdf 78.
    const strict = { ...t.ctx, config: { ...t.ctx.config, attachmentMaxBytes: 75 } };
    const raw = fixture('attachments.eml', { SUBJECT: 'too big' });
    const result = await ingestInboundMail(strict, { raw, envelopeTo: [support], source: 'smtp' });
    expect(result).toMatchObject({
      outcome: 'ticket',
      reason: 'not attached, past the attachment limits: invoice.pdf',
    });
    const message = (await thread((result as { ticketId: string }).ticketId)).messages[0];
    expect((await listAttachments(t.db, [message?.id as string])).map((f) => f.filename)).toEqual([
      'shot.png',
    ]);
  });

  it('a large file refused part way through its bytes is left out, and the files after it are still attached', async () => {
    const strict = { ...t.ctx, config: { ...t.ctx.config, attachmentMaxBytes: 300 * 1024 } };
    const raw = await new MailComposer({
      from: `large-${unique()}@example.org`,
      to: support,
      subject: 'large then small',
      text: 'Two files.',
      attachments: [
        { filename: 'large.bin', content: randomBytes(1024 * 1024) },
        { filename: 'small.txt', content: 'still here' },
      ],
    })
      .compile()
      .build();
    const result = await ingestInboundMail(strict, { raw, envelopeTo: [support], source: 'smtp' });
    expect(result).toMatchObject({
      outcome: 'ticket',
      reason: 'not attached, past the attachment limits: large.bin',
    });
    const message = (await thread((result as { ticketId: string }).ticketId)).messages[0];
    expect(message?.attachments.map((f) => f.filename)).toEqual(['small.txt']);
  });

  it('staff download the original mail byte for byte, also when it spans many stored chunks', async () => {
    const id = unique();
    // CRLF throughout, as SMTP carries it.
    const head = fixture('html-only.eml', { SUBJECT: 'long original', ID: id }).toString('latin1');
    const raw = Buffer.concat([
      Buffer.from(head.replace(/\r?\n/g, '\r\n'), 'latin1'),
      Buffer.from(`${'0123456789abcdef'.repeat(4)}\r\n`.repeat(12_000)),
    ]);
    await send(raw);
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/inbound/messages?status=ticket`,
      headers: tenant.owner.headers,
    });
    const kept = (list.json().messages as { id: string; subject: string; size: number }[]).find(
      (m) => m.subject === 'long original',
    );
    expect(kept?.size).toBe(raw.length);
    const download = await t.app.inject({
      method: 'GET',
      url: `/api/v1/inbound/messages/${kept?.id}/raw`,
      headers: tenant.owner.headers,
    });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(raw)).toBe(true);
    const chunks = await t.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM inbound_message_chunks WHERE inbound_message_id = ${kept?.id}`,
    );
    expect(chunks.rows[0]?.n).toBeGreaterThan(2);
  });
});
