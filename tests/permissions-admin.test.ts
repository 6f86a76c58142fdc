import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/shared/tickets.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, buildMember, type Staff, type Tenant } from './helpers/factories.js';
import { allBut, expectError, type Method, permissionHelpers } from './helpers/permissions.js';

let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
});

const { call, member } = permissionHelpers(() => ({ t, tenant }));
const expectForbidden = (res: { statusCode: number; body: string }) => expectError(res, 403, 'FORBIDDEN');

const unique = () => randomBytes(4).toString('hex');
const projectUrl = (path = '', projectId = tenant.projectId) => `/api/v1/projects/${projectId}${path}`;

type RoleView = { id: string; name: string; kind: string; permissions: string[] };
type RoleAbilities = { update: boolean; delete: boolean };
type MemberView = { userId: string; role: { id: string; kind: string } };
const listRoles = async (as = tenant.owner, projectId = tenant.projectId): Promise<RoleView[]> =>
  (await call(as, 'GET', projectUrl('/roles', projectId))).json().roles;
const listMembers = async (): Promise<MemberView[]> =>
  (await call(tenant.owner, 'GET', projectUrl('/members'))).json().members;
const roleId = async (kind: string) => (await listRoles()).find((r) => r.kind === kind)?.id as string;
const roleOf = async (userId: string) => (await listMembers()).find((m) => m.userId === userId)?.role.kind;
const newPerson = async (kind = 'staff') => ({
  email: `new-${unique()}@example.com`,
  name: 'Nina New',
  password: 'new-password',
  roleId: await roleId(kind),
});

/** A member added by the owner, who never signs in: a subject to act on. */
async function addPlainMember() {
  const res = await call(tenant.owner, 'POST', projectUrl('/members'), await newPerson());
  expect(res.statusCode, res.body).toBe(201);
  return res.json().userId as string;
}

async function createProject(as: Staff, key: string) {
  const res = await call(as, 'POST', '/api/v1/projects', { name: `Project ${key}`, key });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('members', () => {
  it('any member may list the members and roles, even with a role holding no permission', async () => {
    const reader = await member([]);
    const listed = await call(reader, 'GET', projectUrl('/members'));
    expect(listed.statusCode).toBe(200);
    expect(listed.json().members.map((m: MemberView) => m.userId)).toContain(reader.userId);
    const kinds = (await listRoles(reader)).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['owner', 'admin', 'staff']));
  });

  it('adding a member needs members.manage', async () => {
    const [denied, allowed] = [await member(allBut('members.manage')), await member(['members.manage'])];
    const refused = await newPerson();
    const before = await listMembers();
    expectForbidden(await call(denied, 'POST', projectUrl('/members'), refused));
    expect(await listMembers()).toEqual(before);
    // Nor was the user created: the email still counts as new, so it needs a name and password.
    const again = await call(tenant.owner, 'POST', projectUrl('/members'), {
      email: refused.email,
      roleId: refused.roleId,
    });
    expectError(again, 400, 'VALIDATION_ERROR');

    const added = await call(allowed, 'POST', projectUrl('/members'), await newPerson());
    expect(added.statusCode, added.body).toBe(201);
    expect(await roleOf(added.json().userId)).toBe('staff');
  });

  it("changing a member's role needs members.manage", async () => {
    const [denied, allowed] = [await member(allBut('members.manage')), await member(['members.manage'])];
    const target = await addPlainMember();
    const url = projectUrl(`/members/${target}`);
    const payload = { roleId: await roleId('admin') };
    expectForbidden(await call(denied, 'PATCH', url, payload));
    expect(await roleOf(target)).toBe('staff');
    expect((await call(allowed, 'PATCH', url, payload)).statusCode).toBe(204);
    expect(await roleOf(target)).toBe('admin');
  });

  it('removing a member needs members.manage', async () => {
    const [denied, allowed] = [await member(allBut('members.manage')), await member(['members.manage'])];
    const target = await addPlainMember();
    const url = projectUrl(`/members/${target}`);
    expectForbidden(await call(denied, 'DELETE', url));
    expect(await roleOf(target)).toBe('staff');
    expect((await call(allowed, 'DELETE', url)).statusCode).toBe(204);
    expect(await roleOf(target)).toBeUndefined();
  });

  it('only an owner hands out the Owner role, and nobody changes or removes the owner', async () => {
    const manager = await member(['members.manage']);
    const target = await addPlainMember();
    const ownerRole = await roleId('owner');
    const ownerUrl = projectUrl(`/members/${tenant.owner.userId}`);
    const before = await listMembers();
    const attempts: [Method, string, object?][] = [
      ['PATCH', projectUrl(`/members/${target}`), { roleId: ownerRole }],
      ['POST', projectUrl('/members'), await newPerson('owner')],
      ['PATCH', ownerUrl, { roleId: await roleId('staff') }],
      ['DELETE', ownerUrl],
    ];
    for (const [method, url, payload] of attempts) expectForbidden(await call(manager, method, url, payload));
    expectForbidden(await call(tenant.owner, 'DELETE', ownerUrl));
    expect(await listMembers()).toEqual(before);
    const promote = await call(tenant.owner, 'PATCH', projectUrl(`/members/${target}`), {
      roleId: ownerRole,
    });
    expect(promote.statusCode).toBe(204);
    expect(await roleOf(target)).toBe('owner');
  });
});

describe('roles', () => {
  const spareRole = async () => {
    const res = await call(tenant.owner, 'POST', projectUrl('/roles'), {
      name: `Spare ${unique()}`,
      permissions: [],
    });
    return res.json() as RoleView;
  };
  const findRole = async (id: string) => (await listRoles()).find((r) => r.id === id);

  it('creating a role needs roles.manage', async () => {
    const [denied, allowed] = [await member(allBut('roles.manage')), await member(['roles.manage'])];
    const payload = { name: `Made ${unique()}`, permissions: ['tickets.view_all'] };
    const before = await listRoles();
    expectForbidden(await call(denied, 'POST', projectUrl('/roles'), payload));
    expect(await listRoles()).toEqual(before);
    const created = await call(allowed, 'POST', projectUrl('/roles'), payload);
    expect(created.statusCode, created.body).toBe(201);
    expect(await findRole(created.json().id)).toMatchObject(payload);
  });

  it('editing a role needs roles.manage', async () => {
    const [denied, allowed] = [await member(allBut('roles.manage')), await member(['roles.manage'])];
    const role = await spareRole();
    const url = projectUrl(`/roles/${role.id}`);
    const payload = { name: `Renamed ${unique()}`, permissions: ['csat.view'] };
    expectForbidden(await call(denied, 'PATCH', url, payload));
    expect(await findRole(role.id)).toEqual(role);
    expect((await call(allowed, 'PATCH', url, payload)).statusCode).toBe(200);
    expect(await findRole(role.id)).toMatchObject(payload);
  });

  it('nobody edits the Owner role, not even an owner', async () => {
    const owner = (await listRoles()).find((r) => r.kind === 'owner') as RoleView;
    const url = projectUrl(`/roles/${owner.id}`);
    for (const as of [await member(['roles.manage']), tenant.owner]) {
      expectForbidden(await call(as, 'PATCH', url, { permissions: [] }));
    }
    expect(await findRole(owner.id)).toEqual(owner);
    expect(owner.permissions.sort()).toEqual([...PERMISSIONS].sort());
  });

  it('deleting a role needs roles.manage; built-in roles and roles someone holds stay', async () => {
    const [denied, allowed] = [await member(allBut('roles.manage')), await member(['roles.manage'])];
    const role = await spareRole();
    expectForbidden(await call(denied, 'DELETE', projectUrl(`/roles/${role.id}`)));
    expect(await findRole(role.id)).toEqual(role);
    for (const kind of ['owner', 'admin', 'staff']) {
      const builtIn = await roleId(kind);
      expectForbidden(await call(tenant.owner, 'DELETE', projectUrl(`/roles/${builtIn}`)));
      expect(await findRole(builtIn)).toBeDefined();
    }
    const held = (await listRoles()).find((r) => r.name.startsWith('Custom')) as RoleView;
    expectError(await call(tenant.owner, 'DELETE', projectUrl(`/roles/${held.id}`)), 409, 'CONFLICT');
    expect(await findRole(held.id)).toBeDefined();
    expect((await call(allowed, 'DELETE', projectUrl(`/roles/${role.id}`))).statusCode).toBe(204);
    expect(await findRole(role.id)).toBeUndefined();
  });
});

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');

describe('projects and account settings', () => {
  const projectsOf = async (as: Staff) => (await call(as, 'GET', '/api/v1/projects')).json().projects;
  const projectName = async (projectId = tenant.projectId) =>
    (await projectsOf(tenant.owner)).find((p: { id: string }) => p.id === projectId)?.name;
  const account = async () => (await call(tenant.owner, 'GET', '/api/v1/me')).json().account;
  const logo = () => t.app.inject({ method: 'GET', url: `/api/v1/accounts/${tenant.accountId}/logo` });
  const putLogo = (as: Staff, payload: Buffer) =>
    t.app.inject({
      method: 'PUT',
      url: '/api/v1/account/logo',
      headers: { ...as.headers, 'content-type': 'image/png' },
      payload,
    });

  it('renaming a project needs settings.manage', async () => {
    const [denied, allowed] = [await member(allBut('settings.manage')), await member(['settings.manage'])];
    const before = await projectName();
    expectForbidden(await call(denied, 'PATCH', projectUrl(), { name: 'Refused' }));
    expect(await projectName()).toBe(before);
    const res = await call(allowed, 'PATCH', projectUrl(), { name: 'Renamed support' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await projectName()).toBe('Renamed support');
  });

  it('only an owner deletes a project, not even an Admin who holds every permission', async () => {
    const doomed = await createProject(tenant.owner, 'DOOM');
    const admin = await buildMember(t, { ...tenant, projectId: doomed }, { role: 'admin' });
    const [adminView] = await projectsOf(admin);
    expect(adminView).toMatchObject({ id: doomed, abilities: { update: true, delete: false } });
    expectForbidden(await call(admin, 'DELETE', projectUrl('', doomed)));
    expect(await projectName(doomed)).toBe('Project DOOM');
    const ownerView = (await projectsOf(tenant.owner)).find((p: { id: string }) => p.id === doomed);
    expect(ownerView.abilities.delete).toBe(true);
    expect((await call(tenant.owner, 'DELETE', projectUrl('', doomed))).statusCode).toBe(204);
    expect(await projectName(doomed)).toBeUndefined();
  });

  it('creating a project needs settings.manage in a project of the account', async () => {
    const [denied, allowed] = [await member(allBut('settings.manage')), await member(['settings.manage'])];
    expectForbidden(await call(denied, 'POST', '/api/v1/projects', { name: 'No', key: 'NOPE' }));
    expect(await projectsOf(denied)).toHaveLength(1);
    const id = await createProject(allowed, 'MADE');
    const created = (await projectsOf(allowed)).find((p: { id: string }) => p.id === id);
    expect(created?.role.kind).toBe('owner');
  });

  it('changing the account needs the account owner, not settings.manage in a project', async () => {
    const [staff, admin] = [
      await member(allBut('settings.manage')),
      await buildMember(t, tenant, { role: 'admin' }),
    ];
    const before = await account();
    for (const denied of [staff, admin]) {
      expectForbidden(await call(denied, 'PATCH', '/api/v1/account', { name: 'Refused' }));
      const me = (await call(denied, 'GET', '/api/v1/me')).json();
      expect(me.account.abilities).toEqual({ update: false, viewOutgoingMail: false });
    }
    expect(await account()).toEqual(before);
    const payload = { name: 'Renamed account', timezone: 'Europe/Paris' };
    const res = await call(tenant.owner, 'PATCH', '/api/v1/account', payload);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().abilities).toEqual({ update: true, viewOutgoingMail: true });
    expect(await account()).toMatchObject(payload);
  });

  it('uploading and removing the logo needs the account owner, not settings.manage in a project', async () => {
    const admin = await buildMember(t, tenant, { role: 'admin' });
    const first = Buffer.concat([PNG_SIGNATURE, Buffer.from('first logo')]);
    expectForbidden(await putLogo(admin, first));
    expect((await logo()).statusCode).toBe(404);
    expect((await putLogo(tenant.owner, first)).statusCode).toBe(204);
    expect((await logo()).rawPayload).toEqual(first);

    expectForbidden(await putLogo(admin, Buffer.concat([PNG_SIGNATURE, Buffer.from('second logo')])));
    expectForbidden(await call(admin, 'DELETE', '/api/v1/account/logo'));
    expect((await logo()).rawPayload).toEqual(first);
    expect((await call(tenant.owner, 'DELETE', '/api/v1/account/logo')).statusCode).toBe(204);
    expect((await logo()).statusCode).toBe(404);
  });
});

describe('abilities in responses', () => {
  it.each(['staff', 'admin'] as const)(
    'a %s member sees its role’s permissions in /api/v1/projects, and abilities the server enforces',
    async (kind) => {
      const actor = await buildMember(t, tenant, { role: kind });
      const [project] = (await call(actor, 'GET', '/api/v1/projects')).json().projects;
      const role = (await listRoles()).find((r) => r.kind === kind) as RoleView;
      expect(project).toMatchObject({ id: tenant.projectId, role: { id: role.id, kind } });
      expect(project.permissions.sort()).toEqual(role.permissions.sort());

      const rename = await call(actor, 'PATCH', projectUrl(), { name: project.name });
      expect(rename.statusCode, rename.body).toBe(project.abilities.update ? 200 : 403);
      expect(project.abilities.delete).toBe(false);
      expectForbidden(await call(actor, 'DELETE', projectUrl()));
      const probe = { name: `Probe ${unique()}`, permissions: [] };
      const addRole = await call(actor, 'POST', projectUrl('/roles'), probe);
      expect(addRole.statusCode).toBe(project.permissions.includes('roles.manage') ? 201 : 403);
      const addMember = await call(actor, 'POST', projectUrl('/members'), await newPerson());
      expect(addMember.statusCode).toBe(project.permissions.includes('members.manage') ? 201 : 403);
    },
  );

  it.each(['staff', 'admin'] as const)(
    'role abilities match what the server enforces for a %s member',
    async (kind) => {
      const fresh = await buildAccount(t, { projectKey: kind === 'staff' ? 'STF' : 'ADM' });
      await call(fresh.owner, 'POST', projectUrl('/roles', fresh.projectId), {
        name: 'Spare',
        permissions: [],
      });
      const actor = await buildMember(t, fresh, { role: kind });
      const roles = (await call(actor, 'GET', projectUrl('/roles', fresh.projectId))).json().roles;
      expect(roles.map((r: RoleView) => r.kind).sort()).toEqual(['admin', 'custom', 'owner', 'staff']);
      for (const role of roles as (RoleView & { abilities: RoleAbilities })[]) {
        const url = projectUrl(`/roles/${role.id}`, fresh.projectId);
        const update = await call(actor, 'PATCH', url, { name: role.name });
        expect(update.statusCode, `${role.kind}: ${update.body}`).toBe(role.abilities.update ? 200 : 403);
        const remove = await call(actor, 'DELETE', url);
        expect(remove.statusCode, `${role.kind}: ${remove.body}`).toBe(role.abilities.delete ? 204 : 403);
      }
      const left = (await listRoles(fresh.owner, fresh.projectId)).map((r) => r.kind).sort();
      expect(left).toEqual(
        kind === 'admin' ? ['admin', 'owner', 'staff'] : ['admin', 'custom', 'owner', 'staff'],
      );
    },
  );
});

describe('projects you are not in', () => {
  it('a member of another project of the same account gets 404 on every route of this one', async () => {
    const other = await createProject(tenant.owner, 'OTHER');
    const outsider = await buildMember(t, { ...tenant, projectId: other }, { role: 'admin' });
    const attempts: [Method, string, object?][] = [
      ['GET', projectUrl('/members')],
      ['POST', projectUrl('/members'), await newPerson()],
      ['DELETE', projectUrl(`/members/${tenant.owner.userId}`)],
      ['GET', projectUrl('/roles')],
      ['POST', projectUrl('/roles'), { name: 'Sneaky', permissions: [] }],
      ['PATCH', projectUrl(`/roles/${await roleId('staff')}`), { permissions: [] }],
      ['GET', projectUrl('/tickets')],
      ['PATCH', projectUrl(), { name: 'Taken over' }],
      ['DELETE', projectUrl()],
    ];
    const [membersBefore, rolesBefore] = [await listMembers(), await listRoles()];
    for (const [method, url, payload] of attempts) {
      expectError(await call(outsider, method, url, payload), 404, 'NOT_FOUND');
    }
    expect(await listMembers()).toEqual(membersBefore);
    expect(await listRoles()).toEqual(rolesBefore);
    const visible = (await call(outsider, 'GET', '/api/v1/projects')).json().projects;
    expect(visible.map((p: { id: string }) => p.id)).toEqual([other]);
  });
});
