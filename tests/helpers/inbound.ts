import fs from 'node:fs';
import nodemailer from 'nodemailer';
import { startInboundSmtp } from '../../src/server/modules/inbound/index.js';
import type { TestApp } from './app.js';

/** A fixture of tests/fixtures/mail with its `{{NAME}}` placeholders filled, byte for byte otherwise. */
export function mailFixture(name: string, values: Record<string, string>) {
  const text = fs.readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url), 'latin1');
  return Buffer.from(
    text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? ''),
    'latin1',
  );
}

/** The inbound SMTP listener on a free port, and a real SMTP client (nodemailer) that feeds it. */
export async function startListenerAndClient(t: TestApp) {
  const listener = await startInboundSmtp(t.ctx, { port: 0, host: '127.0.0.1', tls: null }, t.app.log);
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    ignoreTLS: true,
  });
  return {
    listener,
    client,
    close: async () => {
      client.close();
      await listener.close();
    },
  };
}
