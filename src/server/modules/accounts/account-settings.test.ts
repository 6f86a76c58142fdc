import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, type Staff, type Tenant } from '../../../../tests/helpers/factories.js';
import { expectError } from '../../../../tests/helpers/permissions.js';

let t: TestApp;
let tenant: Tenant;
/** Admin of project B only: every permission there, none in project A (the tenant's). */
let adminOfB: Staff;

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('a tiny png')]);
const GIF = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from('a tiny gif')]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.from('a tiny jpeg')]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF', 'latin1'),
  Buffer.alloc(4),
  Buffer.from('WEBPVP8 ', 'latin1'),
]);

const putLogo = (as: Staff, payload: Buffer, contentType = 'image/png') =>
  t.app.inject({
    method: 'PUT',
    url: '/api/v1/account/logo',
    headers: { ...as.headers, 'content-type': contentType },
    payload,
  });
const logo = () => t.app.inject({ method: 'GET', url: `/api/v1/accounts/${tenant.accountId}/logo` });
const me = async (as: Staff) =>
  (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: as.headers })).json();

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { name: 'Acme' });
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/projects',
    headers: tenant.owner.headers,
    payload: { name: 'Project B', key: 'PRB' },
  });
  expect(created.statusCode, created.body).toBe(201);
  adminOfB = await buildMember(t, { ...tenant, projectId: created.json().id }, { role: 'admin' });
});

describe('account-wide settings', () => {
  it('an admin of project B cannot change account-wide settings', async () => {
    const mine = await me(adminOfB);
    expect(mine.projects.map((p: { key: string }) => p.key)).toEqual(['PRB']);
    expect(mine.projects[0].permissions).toContain('settings.manage');
    expect(mine.user.accountRole).toBe('member');
    expect(mine.account.abilities).toEqual({ update: false, viewOutgoingMail: false });

    const rename = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/account',
      headers: adminOfB.headers,
      payload: { name: 'Rebranded', timezone: 'Asia/Tokyo' },
    });
    expectError(rename, 403, 'FORBIDDEN');
    expectError(await putLogo(adminOfB, PNG), 403, 'FORBIDDEN');
    expect((await logo()).statusCode).toBe(404);
    expect((await putLogo(tenant.owner, PNG)).statusCode).toBe(204);
    const remove = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/account/logo',
      headers: adminOfB.headers,
    });
    expectError(remove, 403, 'FORBIDDEN');
    expect((await logo()).rawPayload).toEqual(PNG);
    expect((await me(tenant.owner)).account).toMatchObject({ name: 'Acme', timezone: 'UTC' });
  });

  it('the account owner changes them and sees the abilities', async () => {
    const owner = await me(tenant.owner);
    expect(owner.user.accountRole).toBe('owner');
    expect(owner.account.abilities).toEqual({ update: true, viewOutgoingMail: true });
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/account',
      headers: tenant.owner.headers,
      payload: { name: 'Acme Support', timezone: 'Europe/Paris' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Acme Support', timezone: 'Europe/Paris' });
  });

  it("customers' default language: the owner sets a supported one; another is refused and an admin of a project may not", async () => {
    const patch = (as: { headers: Record<string, string> }, defaultLanguage: string) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/account',
        headers: as.headers,
        payload: { defaultLanguage },
      });
    expect((await me(tenant.owner)).account.defaultLanguage).toBe('en');
    expectError(await patch(adminOfB, 'de'), 403, 'FORBIDDEN');
    expectError(await patch(tenant.owner, 'klingon'), 400, 'VALIDATION_ERROR');
    const res = await patch(tenant.owner, 'pt-BR');
    expect(res.statusCode, res.body).toBe(200);
    expect((await me(tenant.owner)).account.defaultLanguage).toBe('pt-BR');
  });
});

describe('logo uploads', () => {
  it('a logo whose bytes are not an image is refused', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    for (const [bytes, declared] of [
      [html, 'image/png'],
      [svg, 'image/gif'],
      [Buffer.from('just text'), 'image/webp'],
      [Buffer.from('RIFF0000AVI '), 'image/webp'],
    ] as const) {
      expectError(await putLogo(tenant.owner, bytes, declared), 415, 'NOT_AN_IMAGE');
    }
    expect((await logo()).rawPayload).toEqual(PNG);
  });

  it('a logo is served under the type its bytes show, whatever was declared', async () => {
    for (const [bytes, type] of [
      [GIF, 'image/gif'],
      [JPEG, 'image/jpeg'],
      [WEBP, 'image/webp'],
      [PNG, 'image/png'],
    ] as const) {
      expect((await putLogo(tenant.owner, bytes, 'image/jpeg')).statusCode).toBe(204);
      const served = await logo();
      expect(served.headers['content-type']).toBe(type);
      expect(served.rawPayload).toEqual(bytes);
    }
  });
});
