import type { Queryable } from '../../db/client.js';
import { can, type Member, requirePermission } from '../members/index.js';
import * as repo from './customers.repo.js';

/**
 * Requesters to pick for a new ticket (tickets.create): the project's, whose email or name starts
 * with `q`; without tickets.view_all only those of tickets assigned to the member, so the search
 * shows no one their ticket list does not.
 */
export function searchCustomers(db: Queryable, member: Member, q: string, limit: number) {
  requirePermission(member, 'tickets.create');
  return repo.searchCustomers(db, {
    accountId: member.accountId,
    projectId: member.projectId,
    onlyAssignedTo: can(member, 'tickets.view_all') ? undefined : member.userId,
    prefix: q.trim().toLowerCase(),
    limit,
  });
}
