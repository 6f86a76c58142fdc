import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { allBut, expectError, permissionHelpers } from '../../../../tests/helpers/permissions.js';
import { customerSearchQuery } from './customers.repo.js';

let t: TestApp;
let tenant: Tenant;
let other: Tenant;
const tag = randomBytes(3).toString('hex');
const { call, member } = permissionHelpers(() => ({ t, tenant }));

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
  other = await buildAccount(t);
});

const search = async (q: string, as = tenant.owner, project = tenant.projectId, limit?: number) => {
  const res = await call(
    as,
    'GET',
    `/api/v1/projects/${project}/customers?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { customers: { id: string; name: string; email: string }[] }).customers;
};

describe('the requester search of the new-ticket form', () => {
  it("finds the project's requesters by the start of their email or of their name, whatever the case", async () => {
    await buildTicket(t, tenant, { requester: { email: `Zora.${tag}@Example.com`, name: 'Zora Quill' } });
    await buildTicket(t, tenant, { requester: { email: `q-${tag}@example.com`, name: `Quentin ${tag}` } });
    expect((await search(`zora.${tag}`)).map((c) => c.email)).toEqual([`Zora.${tag}@Example.com`]);
    expect((await search(`QUENTIN ${tag}`)).map((c) => c.name)).toEqual([`Quentin ${tag}`]);
    // The middle of a name is not its start.
    expect(await search(`uentin ${tag}`)).toEqual([]);
  });

  it('treats % and _ as the characters they are, not as wildcards', async () => {
    await buildTicket(t, tenant, { requester: { email: `pct-${tag}@example.com`, name: `Percy ${tag}` } });
    expect(await search('%')).toEqual([]);
    expect(await search(`p_t-${tag}`)).toEqual([]);
    expect((await search(`pct-${tag}`)).map((c) => c.name)).toEqual([`Percy ${tag}`]);
  });

  it("shows no one of another project's or another account's tickets", async () => {
    const email = `elsewhere-${tag}@example.com`;
    const res = await call(tenant.owner, 'POST', '/api/v1/projects', {
      name: 'Billing',
      key: `B${tag}`.slice(0, 6).toUpperCase(),
    });
    expect(res.statusCode, res.body).toBe(201);
    const billing: string = res.json().id;
    await call(tenant.owner, 'POST', `/api/v1/projects/${billing}/tickets`, {
      subject: 'Invoice',
      body: 'Wrong amount.',
      requester: { email, name: 'Elsa Where' },
      notifyRequester: false,
    });
    await buildTicket(t, other, { requester: { email, name: 'Elsa Where' } });
    expect(await search(`elsewhere-${tag}`)).toEqual([]);
    expect((await search(`elsewhere-${tag}`, tenant.owner, billing)).map((c) => c.email)).toEqual([email]);
    expect((await search(`elsewhere-${tag}`, other.owner, other.projectId)).map((c) => c.email)).toEqual([
      email,
    ]);
  });

  it('without tickets.view_all a member finds only the requesters of tickets assigned to them', async () => {
    const narrow = await member(allBut('tickets.view_all'));
    await buildTicket(t, tenant, {
      requester: { email: `mine-${tag}@example.com`, name: 'Mina' },
      assigneeId: narrow.userId,
    });
    await buildTicket(t, tenant, { requester: { email: `theirs-${tag}@example.com`, name: 'Theo' } });
    expect((await search(`mine-${tag}`, narrow)).map((c) => c.name)).toEqual(['Mina']);
    expect(await search(`theirs-${tag}`, narrow)).toEqual([]);
    expect((await search(`theirs-${tag}`)).map((c) => c.name)).toEqual(['Theo']);
  });

  it('needs tickets.create, and a q', async () => {
    const denied = await member(allBut('tickets.create'));
    expectError(
      await call(denied, 'GET', `/api/v1/projects/${tenant.projectId}/customers?q=a`),
      403,
      'FORBIDDEN',
    );
    const outsider = await buildMember(t, other);
    expectError(
      await call(outsider, 'GET', `/api/v1/projects/${tenant.projectId}/customers?q=a`),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call(tenant.owner, 'GET', `/api/v1/projects/${tenant.projectId}/customers?q=`),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('returns at most `limit` requesters, ordered by name', async () => {
    for (const n of [3, 1, 2]) {
      await buildTicket(t, tenant, {
        requester: { email: `many${n}-${tag}@example.com`, name: `Many ${n} ${tag}` },
      });
    }
    expect((await search(`many`, tenant.owner, tenant.projectId, 2)).map((c) => c.name)).toEqual([
      `Many 1 ${tag}`,
      `Many 2 ${tag}`,
    ]);
  });

  it('is served by ordered index range scans on the lowered email and name (with a limit), never a scan of all customers', async () => {
    const query = customerSearchQuery({
      accountId: tenant.accountId,
      projectId: tenant.projectId,
      prefix: 'ab',
      limit: 10,
    });
    const plan = await t.db.transaction(async (tx) => {
      // The test tables are tiny: without this the planner would rightly prefer a sequential scan.
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      const rows = await tx.execute<{ 'QUERY PLAN': string }>(sql`EXPLAIN ${query}`);
      return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    // Each branch is an ordered range scan of an index on the lowered column: the text_pattern_ops
    // prefix index, or under a C collation (the bundled PostgreSQL) the account's email key serves too.
    expect(plan).toMatch(/Index Cond: \(.*lower\(email\) (>=|~>=~) 'ab'.*lower\(email\) (<|~<~) 'ac'/);
    expect(plan).toMatch(/Index Cond: \(.*lower\(name\) (>=|~>=~) 'ab'.*lower\(name\) (<|~<~) 'ac'/);
    expect(plan).not.toMatch(/Seq Scan on customers/);
  });
});
