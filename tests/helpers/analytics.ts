/**
 * Test fixtures for the analytics tests: surveys inserted with SQL at chosen instants, so every
 * expected number can be computed by hand from the table in the test.
 */
import { expect } from 'vitest';
import { csatSurveys } from '../../src/server/db/schema/index.js';
import type { TestApp } from './app.js';
import type { Staff, Tenant } from './factories.js';

export async function setTimezone(t: TestApp, tenant: Tenant, timezone: string) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: '/api/v1/account',
    headers: tenant.owner.headers,
    payload: { timezone },
  });
  expect(res.statusCode, res.body).toBe(200);
}

export interface SurveyFixture {
  ticketId: string;
  agentId?: string | null;
  /** ISO instants. */
  createdAt: string;
  submittedAt?: string;
  rating?: number;
  comment?: string | null;
  channel?: 'link' | 'email' | 'portal' | 'discord';
}

const resolutions = new Map<string, number>();

/** One survey row; each call on a ticket is its next resolution (the table allows one per resolution). */
export async function insertSurvey(t: TestApp, tenant: Tenant, s: SurveyFixture) {
  const resolution = (resolutions.get(s.ticketId) ?? 0) + 1;
  resolutions.set(s.ticketId, resolution);
  const createdAt = new Date(s.createdAt);
  const answered = s.submittedAt !== undefined;
  const [row] = await t.db
    .insert(csatSurveys)
    .values({
      accountId: tenant.accountId,
      projectId: tenant.projectId,
      ticketId: s.ticketId,
      resolution,
      agentId: s.agentId ?? null,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + 7 * 86_400_000),
      submittedAt: answered ? new Date(s.submittedAt as string) : null,
      rating: answered ? (s.rating ?? 5) : null,
      comment: answered ? (s.comment ?? null) : null,
      channel: answered ? (s.channel ?? 'link') : null,
    })
    .returning({ id: csatSurveys.id });
  if (!row) throw new Error('survey not inserted');
  return row.id;
}

export type Query = Record<string, string | number | boolean | undefined>;

export const csatUrl = (projectId: string, path: string, query: Query = {}) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const qs = params.toString();
  return `/api/v1/projects/${projectId}/csat/${path}${qs ? `?${qs}` : ''}`;
};

/** GETs an analytics endpoint and expects a 200. */
export async function getCsat<T>(
  t: TestApp,
  as: Staff,
  projectId: string,
  path: string,
  query: Query = {},
): Promise<T> {
  const res = await t.app.inject({
    method: 'GET',
    url: csatUrl(projectId, path, query),
    headers: as.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}
