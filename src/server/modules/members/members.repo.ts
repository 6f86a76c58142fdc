import { and, asc, count, eq, sql } from 'drizzle-orm';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import { projectMembers, projects, roles, users } from '../../db/schema/index.js';

// Every staff request in a project checks it: prepared.
const membershipQuery = preparedQuery('project_membership', (db) =>
  db
    .select({ roleId: roles.id, roleKind: roles.kind, permissions: roles.permissions })
    .from(projectMembers)
    .innerJoin(roles, eq(roles.id, projectMembers.roleId))
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(
      and(
        eq(projectMembers.userId, sql.placeholder('userId')),
        eq(projectMembers.projectId, sql.placeholder('projectId')),
        eq(projects.accountId, sql.placeholder('accountId')),
      ),
    ),
);

export async function findMembership(db: Queryable, userId: string, accountId: string, projectId: string) {
  const [row] = await membershipQuery(db, { userId, accountId, projectId });
  return row ?? null;
}

export async function findAccountRole(db: Queryable, userId: string, accountId: string) {
  const [row] = await db
    .select({ accountRole: users.accountRole })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.accountId, accountId)));
  return row?.accountRole ?? null;
}

export async function listMemberships(db: Queryable, userId: string) {
  return db
    .select({
      projectId: projects.id,
      projectName: projects.name,
      projectKey: projects.key,
      roleId: roles.id,
      roleName: roles.name,
      roleKind: roles.kind,
      permissions: roles.permissions,
    })
    .from(projectMembers)
    .innerJoin(roles, eq(roles.id, projectMembers.roleId))
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(eq(projectMembers.userId, userId))
    .orderBy(asc(projects.name));
}

export async function listMembers(db: Queryable, projectId: string) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      accountRole: users.accountRole,
      roleId: roles.id,
      roleName: roles.name,
      roleKind: roles.kind,
      since: projectMembers.createdAt,
    })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .innerJoin(roles, eq(roles.id, projectMembers.roleId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(users.name));
}

export async function findMember(db: Queryable, projectId: string, userId: string) {
  const [row] = await db
    .select({ userId: projectMembers.userId, roleId: roles.id, roleKind: roles.kind })
    .from(projectMembers)
    .innerJoin(roles, eq(roles.id, projectMembers.roleId))
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
  return row ?? null;
}

export async function insertMember(tx: Tx, values: typeof projectMembers.$inferInsert) {
  await tx.insert(projectMembers).values(values);
}

export async function updateMemberRole(tx: Tx, projectId: string, userId: string, roleId: string) {
  await tx
    .update(projectMembers)
    .set({ roleId })
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
}

export async function deleteMember(tx: Tx, projectId: string, userId: string) {
  await tx
    .delete(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
}

export async function findUserInAccount(db: Queryable, accountId: string, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.accountId, accountId), sql`lower(${users.email}) = lower(${email})`));
  return row ?? null;
}

export async function listRoles(db: Queryable, projectId: string) {
  return db.select().from(roles).where(eq(roles.projectId, projectId)).orderBy(asc(roles.name));
}

export async function findRole(db: Queryable, projectId: string, roleId: string) {
  const [row] = await db
    .select()
    .from(roles)
    .where(and(eq(roles.projectId, projectId), eq(roles.id, roleId)));
  return row ?? null;
}

export async function insertRoles(tx: Tx, values: (typeof roles.$inferInsert)[]) {
  return tx.insert(roles).values(values).returning();
}

export async function updateRole(tx: Tx, roleId: string, values: Partial<typeof roles.$inferInsert>) {
  const [row] = await tx.update(roles).set(values).where(eq(roles.id, roleId)).returning();
  if (!row) throw new Error('update returned nothing');
  return row;
}

export async function deleteRole(tx: Tx, roleId: string) {
  await tx.delete(roles).where(eq(roles.id, roleId));
}

export async function countMembersWithRole(db: Queryable, roleId: string) {
  const [row] = await db.select({ n: count() }).from(projectMembers).where(eq(projectMembers.roleId, roleId));
  return row?.n ?? 0;
}
