import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  cleanUpClearline,
  makeDataDir,
  setUpOverHttp,
  startClearline,
  waitFor,
} from './helpers/server-process.js';
import { startSmtpServer } from './helpers/smtp.js';

// `clearline start` as `npm start` runs it: bin/clearline.js and the esbuild bundle in dist/server, where
// the modules loaded where first used are chunks of their own (a CommonJS package among them has only
// a default export there, unlike under tsx). The other process tests run the sources.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const DOMAIN = 'in.example.com';
const outbox = await startSmtpServer();
afterAll(async () => {
  await cleanUpClearline();
  await outbox.close();
});

describe('the bundled server', () => {
  it('loads what it loads lazily: a mail received by its SMTP listener (smtp-server, mailsplit, postal-mime, turndown) becomes a ticket, and the acknowledgement goes out (nodemailer)', async () => {
    const server = await startClearline(
      makeDataDir(),
      90_000,
      {
        SMTP_URL: outbox.url,
        MAIL_INBOUND_DOMAIN: DOMAIN,
        INBOUND_SMTP_PORT: '0',
        INBOUND_SMTP_HOST: '127.0.0.1',
      },
      'bundle',
    );
    const smtpPort = Number(/Inbound SMTP listener on port (\d+)\./.exec(server.stdout())?.[1]);
    const { token, projectId } = await setUpOverHttp(server.url);
    const api = (url: string, init: RequestInit = {}) =>
      fetch(`${server.url}${url}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    const support = `support@${DOMAIN}`;
    const settings = await api(`/api/v1/projects/${projectId}/inbound/settings`, {
      method: 'PUT',
      body: JSON.stringify({ address: support, newTicketsPerSenderHour: 3 }),
    });
    expect(settings.status).toBe(200);

    const client = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
    // Committed before the 250: the ticket exists once this resolves.
    await client.sendMail({
      from: 'casey@example.org',
      to: support,
      subject: 'Printer on fire',
      html: '<p>It is <b>really</b> on fire.</p>',
      attachments: [{ filename: 'photo.txt', content: 'smoke' }],
    });
    client.close();

    const list = await api(`/api/v1/projects/${projectId}/tickets`);
    const { tickets } = (await list.json()) as { tickets: { id: string; subject: string }[] };
    expect(tickets.map((t) => t.subject)).toEqual(['Printer on fire']);
    const ticket = (await (await api(`/api/v1/tickets/${tickets[0]?.id}`)).json()) as {
      thread: { body: string; attachments: { filename: string }[] }[];
    };
    expect(ticket.thread[0]?.body).toBe('It is **really** on fire.');
    expect(ticket.thread[0]?.attachments.map((a) => a.filename)).toEqual(['photo.txt']);
    await waitFor(() => outbox.to('casey@example.org').length > 0, 60_000);
  });
});
