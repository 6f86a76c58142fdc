import { randomBytes } from 'node:crypto';
import { inTransaction } from '../../src/server/db/client.js';
import { createAccount } from '../../src/server/modules/accounts/index.js';
import { createApiToken, createSession, SESSION_COOKIE } from '../../src/server/modules/auth/index.js';
import type { Permission } from '../../src/shared/tickets.js';
import type { TestApp } from './app.js';

const unique = () => randomBytes(4).toString('hex');
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface Staff {
  userId: string;
  email: string;
  token: string;
  headers: { authorization: string };
}

/** A signed-in staff browser's cookie header for this member (a session, as sign-in makes it). */
export async function staffSessionCookie(t: TestApp, tenant: Tenant, staff: Staff = tenant.owner) {
  const session = await inTransaction(t.db, (tx) =>
    createSession(tx, t.clock, { userId: staff.userId, accountId: tenant.accountId }, 1),
  );
  return `${SESSION_COOKIE}=${session.token}`;
}

export interface Tenant {
  accountId: string;
  projectId: string;
  owner: Staff;
}

/** An account with one project and its owner (as first-run setup makes it). */
export async function buildAccount(
  t: TestApp,
  overrides: { name?: string; projectKey?: string } = {},
): Promise<Tenant> {
  const email = `owner-${unique()}@example.com`;
  const result = await inTransaction(t.db, (tx) =>
    createAccount(tx, t.clock, t.ctx.config.passwordCost, {
      accountName: overrides.name ?? `Account ${unique()}`,
      projectName: 'Support',
      projectKey: overrides.projectKey ?? 'SUP',
      name: 'Olive Owner',
      email,
      password: 'owner-password',
    }),
  );
  return {
    accountId: result.accountId,
    projectId: result.projectId,
    owner: { userId: result.userId, email, token: result.token, headers: bearer(result.token) },
  };
}

async function roleId(t: TestApp, tenant: Tenant, kind: 'admin' | 'staff') {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/projects/${tenant.projectId}/roles`,
    headers: tenant.owner.headers,
  });
  const role = res.json().roles.find((r: { kind: string }) => r.kind === kind);
  if (!role) throw new Error(`no ${kind} role`);
  return role.id as string;
}

/**
 * A member of the tenant's project with the built-in Staff or Admin role, or a custom role
 * holding exactly `permissions`, with an API token.
 */
export async function buildMember(
  t: TestApp,
  tenant: Tenant,
  options: { role?: 'admin' | 'staff'; permissions?: Permission[]; name?: string } = {},
): Promise<Staff> {
  let role: string;
  if (options.permissions) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${tenant.projectId}/roles`,
      headers: tenant.owner.headers,
      payload: { name: `Custom ${unique()}`, permissions: options.permissions },
    });
    role = res.json().id;
  } else {
    role = await roleId(t, tenant, options.role ?? 'staff');
  }
  const email = `member-${unique()}@example.com`;
  const password = 'member-password';
  const added = await t.app.inject({
    method: 'POST',
    url: `/api/v1/projects/${tenant.projectId}/members`,
    headers: tenant.owner.headers,
    payload: { email, name: options.name ?? `Member ${unique()}`, password, roleId: role },
  });
  if (added.statusCode !== 201) throw new Error(`member not added: ${added.body}`);
  const userId: string = added.json().userId;
  const { token } = await inTransaction(t.db, (tx) =>
    createApiToken(tx, t.clock, { userId, accountId: tenant.accountId }, 'tests'),
  );
  return { userId, email, token, headers: bearer(token) };
}

/** Another project of the tenant's account, created by its owner; returns its id. */
export async function buildProject(t: TestApp, tenant: Tenant, project: { name: string; key: string }) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/projects',
    headers: tenant.owner.headers,
    payload: project,
  });
  if (res.statusCode !== 201) throw new Error(`project not created: ${res.body}`);
  return res.json().id as string;
}

export async function buildTicket(
  t: TestApp,
  tenant: Tenant,
  overrides: Partial<{
    subject: string;
    body: string;
    requester: { email: string; name: string };
    priority: string;
    assigneeId: string | null;
    tags: string[];
    notifyRequester: boolean;
  }> = {},
  as: Staff = tenant.owner,
) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/projects/${tenant.projectId}/tickets`,
    headers: as.headers,
    payload: {
      subject: 'The printer is on fire',
      body: 'Please help.',
      requester: { email: `customer-${unique()}@example.com`, name: 'Casey Customer' },
      // Tests about other things count mails: the acknowledgement goes only where a test asks for it.
      notifyRequester: false,
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`ticket not created: ${res.body}`);
  return res.json() as { id: string; reference: string; status: string; resolution: number };
}
