/**
 * Inbound SMTP benchmark (issue 10): mail accepted, threaded and committed by the built-in listener.
 * Not part of `npm test`.
 *
 *   npx tsx bench/inbound-smtp.ts [--messages 2000] [--connections 4]
 *
 * `clearline start` on a fresh bundled PostgreSQL with INBOUND_SMTP_PORT; the project gets an inbound
 * address through the API. First one mail with a 25 MB attachment: the app's RSS before it (VmRSS)
 * and its peak while the mail is processed (VmHWM, reset to the RSS just before the mail), for the
 * app process that grew most (the one of the cluster's web workers that took the mail). Then
 * `--messages` small mails from distinct senders over `--connections` pooled SMTP connections; the
 * rate counts from the first send to the last 250 (each 250 comes after its commit).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: { messages: { type: 'string', default: '2000' }, connections: { type: 'string', default: '4' } },
});
const messages = Number(args.messages);
const connections = Number(args.connections);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
const address = 'support@help.bench.example';

async function freePort() {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Spawns `clearline start` and resolves once it says where it listens. */
async function spawnClearline(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['bin/clearline.js', 'start'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  for (const stream of [child.stdout, child.stderr])
    stream.setEncoding('utf8').on('data', (s: string) => (out += s));
  for (;;) {
    const match = out.match(/Clearline is ready on (http:\/\/\S+) /);
    if (match) return { child, base: (match[1] as string).replace('localhost', '127.0.0.1') };
    if (child.exitCode !== null) throw new Error(`clearline start exited:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** The `clearline start` process and its Node children (the cluster's workers; not PostgreSQL). */
const appProcesses = (pid: number) => [
  pid,
  ...fs
    .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .split(' ')
    .filter(Boolean)
    .map(Number)
    .filter((child) => fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('clearline')),
];

/** VmRSS or VmHWM of a process, in MB. */
const memory = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Number(line?.match(/(\d+)/)?.[1]) / 1024;
};

async function setUp(base: string) {
  const call = async <T>(method: string, url: string, body: unknown, token?: string) => {
    const res = await fetch(base + url, {
      method,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const setup = await call<{ token: string; projectId: string }>('POST', '/api/v1/setup', {
    accountName: 'Bench',
    projectName: 'Bench',
    projectKey: 'BENCH',
    name: 'Owner',
    email: 'owner@bench.example',
    password: 'bench-password',
  });
  await call(
    'PUT',
    `/api/v1/projects/${setup.projectId}/inbound/settings`,
    { address, newTicketsPerSenderHour: 20 },
    setup.token,
  );
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  const smtpPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '10000000',
    PORT: '0',
    HOST: '127.0.0.1',
    INBOUND_SMTP_PORT: String(smtpPort),
    INBOUND_SMTP_HOST: '127.0.0.1',
    // A 25 MB attachment is 34 MB in base64, past the default 25 MB limit on the whole mail.
    INBOUND_MAX_BYTES: String(40 * 1024 * 1024),
  };
  delete env.DATABASE_URL;
  delete env.SMTP_URL;
  const web = await spawnClearline(env);
  const pid = web.child.pid as number;
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  try {
    await setUp(web.base);
    console.log(`load average before: ${load()} on ${os.availableParallelism()} CPUs`);

    const attachment = randomBytes(25 * 1024 * 1024);
    // Each process of the app (the primary and its web workers, one of which gets the mail): its
    // RSS now, and VmHWM reset to it, so that the peak is this mail's, not the start-up's.
    const pids = appProcesses(pid);
    const before = new Map(pids.map((p) => [p, memory(p, 'VmRSS')]));
    for (const p of pids) fs.writeFileSync(`/proc/${p}/clear_refs`, '5');
    await transport.sendMail({
      from: 'big@bench.example',
      to: address,
      subject: 'A 25 MB attachment',
      text: 'See the attached file.',
      attachments: [{ filename: 'big.bin', content: attachment }],
    });
    const [rssBefore, peak] = pids
      .map((p) => [before.get(p) as number, memory(p, 'VmHWM')] as const)
      .reduce((a, b) => (b[1] - b[0] > a[1] - a[0] ? b : a));
    console.log(
      `25 MB attachment: RSS ${rssBefore.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB: growth ${(peak - rssBefore).toFixed(0)} MB = ${((peak - rssBefore) / 25).toFixed(2)}x the attachment`,
    );

    const started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < messages) {
        const i = next++;
        await transport.sendMail({
          from: `sender-${i}@bench.example`,
          to: address,
          subject: `Small question ${i}`,
          text: 'The printer on the second floor prints every page twice. What can I do?',
        });
      }
    };
    await Promise.all(Array.from({ length: connections }, lane));
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${messages} small mails over ${connections} connections in ${seconds.toFixed(1)} s: ${(messages / seconds).toFixed(0)} mails/s (each a new ticket, committed before its 250)`,
    );
    console.log(`load average after: ${load()}`);
  } finally {
    transport.close();
    await stop(web.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
