import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { customers, tickets } from '../../db/schema/index.js';
import { likeStartingWith } from '../../lib/like-pattern.js';

export interface CustomerSearch {
  accountId: string;
  projectId: string;
  /** Set when the member lacks tickets.view_all: only requesters of tickets assigned to them. */
  onlyAssignedTo?: string | undefined;
  /** Lower-cased; matched at the start of the email or of the name. */
  prefix: string;
  limit: number;
}

/**
 * Requesters of the project's tickets whose email or name starts with the prefix: two ordered range
 * scans of the prefix indexes, each stopping at `limit` rows that pass the visibility check (one
 * probe of tickets by requester each), then merged.
 */
export function customerSearchQuery(f: CustomerSearch): SQL {
  const pattern = likeStartingWith(f.prefix);
  const visible = sql`EXISTS (
    SELECT 1 FROM ${tickets} t
    WHERE t.requester_id = c.id AND t.project_id = ${f.projectId} AND t.deleted_at IS NULL
    ${f.onlyAssignedTo ? sql`AND t.assignee_id = ${f.onlyAssignedTo}` : sql``})`;
  const branch = (column: SQL) => sql`(
    SELECT c.id, c.name, c.email FROM ${customers} c
    WHERE c.account_id = ${f.accountId} AND ${column} LIKE ${pattern} AND ${visible}
    ORDER BY ${column} LIMIT ${f.limit})`;
  return sql`${branch(sql`lower(c.email)`)} UNION ${branch(sql`lower(c.name)`)}
    ORDER BY name, email LIMIT ${f.limit}`;
}

export async function searchCustomers(db: Queryable, f: CustomerSearch) {
  const result = await db.execute<{ id: string; name: string; email: string }>(customerSearchQuery(f));
  return result.rows;
}
