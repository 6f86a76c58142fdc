import type { Config } from './config.js';
import type { Database, Tx } from './db/client.js';
import type { Jobs } from './jobs/queue.js';
import type { Clock } from './lib/clock.js';
import type { EventBus } from './lib/events.js';
import type { LinkTokens } from './lib/link-tokens.js';
import type { SecretBox } from './lib/secret-box.js';

/** What the app is built from; one per process (or per test file). */
export interface AppContext {
  db: Database;
  clock: Clock;
  bus: EventBus;
  jobs: Jobs;
  config: Config;
  databaseMode: 'bundled' | 'external';
  links: LinkTokens;
  /** Encrypts secrets Clearline must read back (bot tokens, mailbox passwords, webhook secrets). */
  secrets: SecretBox;
}

/** What a service needs to change state: the transaction and the clock, bus and queue around it. */
export interface Scope {
  tx: Tx;
  clock: Clock;
  bus: EventBus;
  jobs: Jobs;
}

export const scopeOf = (ctx: AppContext, tx: Tx): Scope => ({
  tx,
  clock: ctx.clock,
  bus: ctx.bus,
  jobs: ctx.jobs,
});
