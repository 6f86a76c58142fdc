/**
 * Delivery throughput benchmark (issue 11, point 4): how fast queued survey invitations reach a
 * local SMTP server, or Discord (the tests' fake, enforcing Discord's documented rate limits). Not
 * part of `npm test`.
 *
 *   npx tsx bench/mail-throughput.ts [--invitations 5000] [--concurrency 16]
 *                                    [--channel mail|discord] [--discord-latency 50] [--open-channels]
 *
 * `clearline start` with RUN_WORKERS=false on a fresh bundled PostgreSQL takes the invitations
 * through the API as staff would make them (a ticket opened without the acknowledgement mail and
 * resolved: the invitation is queued as a delivery, nothing is sent). Then it stops, and
 * `clearline worker` on the same data directory sends them with DELIVERY_CONCURRENCY workers to an
 * SMTP server in this process. With `--channel discord` each requester is first linked to a user
 * of the fake Discord (rows written as the link callback writes them; `--open-channels` also opens
 * and keeps each DM channel, as after an earlier DM), and the project sends DMs only; the fake
 * answers after `--discord-latency` ms and refuses past 50 requests a second and 5 messages per
 * 5 s per channel, as Discord does. The sending runs in `clearline start` (web and workers in one
 * process, as `npm start` runs them): once a tenth of the invitations is out, a sign-in link is
 * asked for through the portal API, and its mail's wait behind the backlog is printed. Prints
 * invitations per minute from the first to the last, the time from the spawn, the 429s, and the
 * machine's load average.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { bundledConnection } from '../src/server/db/bundled-postgres.js';
import { DISCORD_RATE_LIMITS, type FakeDiscord, startFakeDiscord } from '../tests/helpers/fake-discord.js';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    invitations: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    channel: { type: 'string', default: 'mail' },
    'discord-latency': { type: 'string', default: '50' },
    'open-channels': { type: 'boolean', default: false },
  },
});
if (args.channel !== 'mail' && args.channel !== 'discord') throw new Error('--channel is mail or discord');
const invitations = Number(args.invitations);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

/** Spawns `clearline <command>` and resolves once its output matches `ready`. */
async function spawnClearline(command: string, env: NodeJS.ProcessEnv, ready: RegExp) {
  const child = spawn(process.execPath, ['bin/clearline.js', command], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
  }
  for (;;) {
    const match = out.match(ready);
    if (match) return { child, match };
    if (child.exitCode !== null) throw new Error(`clearline ${command} exited:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

const PROBE = 'probe@bench.example';

/** Links a requester to a new user of the fake, as the link callback does (and opens the DM channel). */
async function linkToDiscord(db: pg.Pool, fake: FakeDiscord, email: string, i: number) {
  const user = fake.addUser(`requester${i}`);
  let channelId: string | null = null;
  if (args['open-channels']) {
    for (;;) {
      const res = await fetch(`${fake.apiUrl}/v10/users/@me/channels`, {
        method: 'POST',
        headers: { authorization: `Bot ${fake.app.botToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ recipient_id: user.id }),
      });
      if (res.status === 429) await new Promise((r) => setTimeout(r, 200));
      else {
        channelId = ((await res.json()) as { id: string }).id;
        break;
      }
    }
  }
  await db.query(
    `INSERT INTO discord_links (account_id, customer_id, discord_user_id, discord_username, linked_at, dm_channel_id)
     SELECT account_id, id, $2, $3, now(), $4 FROM customers WHERE email = $1`,
    [email, user.id, user.username, channelId],
  );
}

/** Seeds through the API: the setup, then tickets opened and resolved, 8 at a time. */
async function seedInvitations(base: string, discord: { fake: FakeDiscord; db: pg.Pool } | null) {
  const post = async <T>(method: string, url: string, body: unknown, token?: string) => {
    const res = await fetch(base + url, {
      method,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const setup = await post<{ token: string; accountId: string; projectId: string }>('POST', '/api/v1/setup', {
    accountName: 'Bench',
    projectName: 'Bench',
    projectKey: 'BENCH',
    name: 'Owner',
    email: 'owner@bench.example',
    password: 'bench-password',
  });
  if (discord) {
    await post(
      'PUT',
      '/api/v1/discord/settings',
      {
        applicationId: discord.fake.app.applicationId,
        publicKey: discord.fake.app.publicKey,
        botToken: discord.fake.app.botToken,
        clientSecret: discord.fake.app.clientSecret,
      },
      setup.token,
    );
  }
  let next = 0;
  const lane = async () => {
    while (next < invitations) {
      const i = next++;
      const ticket = await post<{ id: string }>(
        'POST',
        `/api/v1/projects/${setup.projectId}/tickets`,
        {
          subject: `Seeded ticket ${i}`,
          body: 'The printer on the second floor prints every page twice.',
          requester: { email: `requester-${i}@bench.example`, name: `Requester ${i}` },
          notifyRequester: false,
        },
        setup.token,
      );
      if (discord) await linkToDiscord(discord.db, discord.fake, `requester-${i}@bench.example`, i);
      await post('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' }, setup.token);
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  // The probe's requester has a ticket (so a sign-in link is sent) and no invitation.
  await post(
    'POST',
    `/api/v1/projects/${setup.projectId}/tickets`,
    { subject: 'Probe', body: 'Probe.', requester: { email: PROBE, name: 'Probe' }, notifyRequester: false },
    setup.token,
  );
  return setup.accountId;
}

async function main() {
  let received = 0;
  let probeAt = 0;
  let firstAt = 0;
  let lastAt = 0;
  let allReceived: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allReceived = resolve;
  });
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      // Read before the callback: it resets the envelope for the connection's next mail.
      const probe = session.envelope.rcptTo.some((r) => r.address === PROBE);
      stream.resume();
      stream.on('end', () => {
        callback();
        if (probe) {
          probeAt = performance.now();
          return;
        }
        lastAt = performance.now();
        if (++received === 1) firstAt = lastAt;
        if (received === invitations) allReceived();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const fake =
    args.channel === 'discord'
      ? await startFakeDiscord({
          rateLimits: DISCORD_RATE_LIMITS,
          latencyMs: Number(args['discord-latency']),
        })
      : null;
  // The fake keeps what the bot posted: a DM counts when its answer is sent.
  const watchDiscord = setInterval(() => {
    if (!fake) return;
    for (; received < fake.messages.length; received++) {
      lastAt = performance.now();
      if (received === 0) firstAt = lastAt;
    }
    if (received >= invitations) allReceived();
  }, 20);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clm-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '10000000',
    ...(fake && { DISCORD_API_URL: fake.apiUrl, DISCORD_AUTHORIZE_URL: fake.authorizeUrl }),
  };
  delete env.DATABASE_URL;
  try {
    console.log(`load average before seeding: ${load()}`);
    const seeding = performance.now();
    const web = await spawnClearline(
      'start',
      { ...env, RUN_WORKERS: 'false', PORT: '0', HOST: '127.0.0.1' },
      /Clearline is ready on (http:\/\/\S+) /,
    );
    const db = fake && new pg.Pool({ ...bundledConnection(dataDir), max: 8 });
    const accountId = await seedInvitations(
      (web.match[1] as string).replace('localhost', '127.0.0.1'),
      fake && db && { fake, db },
    );
    await db?.end();
    await stop(web.child);
    const seedSeconds = (performance.now() - seeding) / 1000;
    console.log(`seeded ${invitations} queued invitations in ${seedSeconds.toFixed(0)} s`);

    console.log(`load average before sending: ${load()}`);
    const opensBefore = fake?.requestCount('POST /users/@me/channels') ?? 0;
    const started = performance.now();
    const server = await spawnClearline(
      'start',
      { ...env, DELIVERY_CONCURRENCY: args.concurrency, WEB_CONCURRENCY: '1', PORT: '0', HOST: '127.0.0.1' },
      /Clearline is ready on (http:\/\/\S+) /,
    );
    while (received < invitations / 10) await new Promise((r) => setTimeout(r, 20));
    const probeAsked = performance.now();
    const probeBacklog = invitations - received;
    const asked = await fetch(
      `${(server.match[1] as string).replace('localhost', '127.0.0.1')}/api/v1/portal/accounts/${accountId}/sign-in`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: PROBE }),
      },
    );
    if (asked.status !== 202) throw new Error(`sign-in link: ${asked.status} ${await asked.text()}`);
    await done;
    while (!probeAt) await new Promise((r) => setTimeout(r, 20));
    const loadAfter = load();
    await stop(server.child);
    const minutes = (lastAt - firstAt) / 60_000;
    console.log(
      [
        `${args.channel}, DELIVERY_CONCURRENCY=${args.concurrency}: ${received} invitations in ${(minutes * 60).toFixed(1)} s from the first to the last`,
        `(${(received / minutes).toFixed(0)} a minute; ${((lastAt - started) / 1000).toFixed(1)} s from the spawn)`,
        ...(fake
          ? [
              `Discord: latency ${args['discord-latency']} ms, channels ${args['open-channels'] ? 'kept from before' : 'opened by the worker'}, ` +
                `${fake.requestCount('POST /users/@me/channels') - opensBefore} channels opened by the worker, ${fake.rateLimitedCount()} requests answered 429`,
            ]
          : []),
        `a sign-in link asked for with ${probeBacklog} invitations still to go arrived ${((probeAt - probeAsked) / 1000).toFixed(2)} s later`,
        `load average after sending: ${loadAfter} on ${os.availableParallelism()} CPUs`,
      ].join('\n'),
    );
  } finally {
    clearInterval(watchDiscord);
    await fake?.close();
    smtp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
