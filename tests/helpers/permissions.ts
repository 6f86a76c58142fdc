import { expect } from 'vitest';
import { PERMISSIONS, type Permission } from '../../src/shared/tickets.js';
import type { TestApp } from './app.js';
import { buildMember, type Staff, type Tenant } from './factories.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Res = { statusCode: number; body: string };

export const expectError = (res: Res, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(JSON.parse(res.body).error.code).toBe(code);
};

/** Every permission but these: the member lacks exactly what is under test. */
export const allBut = (...missing: Permission[]) => PERMISSIONS.filter((p) => !missing.includes(p));

/**
 * Request and member helpers for permission tests. `env` is read when called, so the file's
 * beforeAll can create the app and tenant after these are made.
 */
export function permissionHelpers(env: () => { t: TestApp; tenant: Tenant }) {
  const members = new Map<string, Promise<Staff>>();
  return {
    call: (as: Staff, method: Method, url: string, payload?: object) =>
      env().t.app.inject({ method, url, headers: as.headers, ...(payload && { payload }) }),
    /** One member per permission set, shared by the file's tests (custom role with exactly these). */
    member: (permissions: Permission[]) => {
      const key = [...permissions].sort().join();
      const found = members.get(key) ?? buildMember(env().t, env().tenant, { permissions });
      members.set(key, found);
      return found;
    },
  };
}
