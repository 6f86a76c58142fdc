import { z } from 'zod';
import type { Permission } from '../../../shared/tickets.js';
import type { AppContext } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { type Api, errorResponses, nonEmptyPatch } from '../../lib/http.js';
import { authenticate } from '../auth/index.js';
import { can, canDeleteRole, canEditRole, canResetSessions, type Member } from './members.policy.js';
import { addMemberBody, memberSchema, roleBody, roleSchema } from './members.schemas.js';
import * as members from './members.service.js';

const projectParams = z.object({ projectId: z.uuid() });
const memberParams = z.object({ projectId: z.uuid(), userId: z.uuid() });
const roleParams = z.object({ projectId: z.uuid(), roleId: z.uuid() });

type RoleRow = {
  id: string;
  name: string;
  kind: 'owner' | 'admin' | 'staff' | 'custom';
  permissions: string[];
};
const presentRole = (member: Member, role: RoleRow) => ({
  id: role.id,
  name: role.name,
  kind: role.kind,
  permissions: role.permissions as Permission[],
  abilities: {
    update: can(member, 'roles.manage') && canEditRole(role),
    delete: can(member, 'roles.manage') && canDeleteRole(role),
  },
});

export function registerMemberRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/projects/:projectId/members',
    {
      schema: {
        tags: ['members'],
        summary: "The project's members and their roles.",
        params: projectParams,
        response: { 200: z.object({ members: z.array(memberSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await members.getMember(ctx.db, actor, request.params.projectId);
      const rows = await members.listMembers(ctx.db, member);
      return {
        members: rows.map((r) => ({
          userId: r.userId,
          name: r.name,
          email: r.email,
          role: { id: r.roleId, name: r.roleName, kind: r.roleKind },
          since: r.since,
          abilities: { resetSessions: canResetSessions(member, r) },
        })),
      };
    },
  );

  app.post(
    '/api/v1/projects/:projectId/members',
    {
      schema: {
        tags: ['members'],
        summary:
          'Add a member (members.manage); creates the staff user when the email is new to the account.',
        params: projectParams,
        body: addMemberBody,
        response: { 201: z.object({ userId: z.uuid() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const userId = await inTransaction(ctx.db, async (tx) => {
        const member = await members.getMember(tx, actor, request.params.projectId);
        return members.addMember(tx, ctx.clock, ctx.config.passwordCost, member, request.body);
      });
      return reply.status(201).send({ userId });
    },
  );

  app.patch(
    '/api/v1/projects/:projectId/members/:userId',
    {
      schema: {
        tags: ['members'],
        summary: "Change a member's role (members.manage).",
        params: memberParams,
        body: z.object({ roleId: z.uuid() }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, async (tx) => {
        const member = await members.getMember(tx, actor, request.params.projectId);
        await members.changeMemberRole(tx, member, request.params.userId, request.body.roleId);
      });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/projects/:projectId/members/:userId',
    {
      schema: {
        tags: ['members'],
        summary: 'Remove a member from the project (members.manage). The owner cannot be removed.',
        params: memberParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, async (tx) => {
        const member = await members.getMember(tx, actor, request.params.projectId);
        await members.removeMember(tx, member, request.params.userId);
      });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/projects/:projectId/members/:userId/sessions',
    {
      schema: {
        tags: ['members'],
        summary:
          "Sign a member out everywhere: ends all their sessions (members.manage; not the account owner's). API tokens stay.",
        params: memberParams,
        response: { 200: z.object({ ended: z.number().int() }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const ended = await inTransaction(ctx.db, async (tx) => {
        const member = await members.getMember(tx, actor, request.params.projectId);
        return members.resetMemberSessions(tx, member, request.params.userId);
      });
      return { ended };
    },
  );

  app.get(
    '/api/v1/projects/:projectId/roles',
    {
      schema: {
        tags: ['roles'],
        summary: "The project's roles and their permissions.",
        params: projectParams,
        response: { 200: z.object({ roles: z.array(roleSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await members.getMember(ctx.db, actor, request.params.projectId);
      return { roles: (await members.listRoles(ctx.db, member)).map((r) => presentRole(member, r)) };
    },
  );

  app.post(
    '/api/v1/projects/:projectId/roles',
    {
      schema: {
        tags: ['roles'],
        summary: 'Create a custom role (roles.manage).',
        params: projectParams,
        body: roleBody,
        response: { 201: roleSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const { member, role } = await inTransaction(ctx.db, async (tx) => {
        const member = await members.getMember(tx, actor, request.params.projectId);
        return { member, role: await members.createRole(tx, member, request.body) };
      });
      if (!role) throw new Error('role not created');
      return reply.status(201).send(presentRole(member, role));
    },
  );

  app.patch(
    '/api/v1/projects/:projectId/roles/:roleId',
    {
      schema: {
        tags: ['roles'],
        summary: 'Rename a role or change its permissions (roles.manage). The Owner role cannot be edited.',
        params: roleParams,
        body: nonEmptyPatch(roleBody.partial()),
        response: { 200: roleSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const { member, role } = await inTransaction(ctx.db, async (tx) => {
        const member = await members.getMember(tx, actor, request.params.projectId);
        return { member, role: await members.updateRole(tx, member, request.params.roleId, request.body) };
      });
      return presentRole(member, role);
    },
  );

  app.delete(
    '/api/v1/projects/:projectId/roles/:roleId',
    {
      schema: {
        tags: ['roles'],
        summary: 'Delete a custom role no member holds (roles.manage).',
        params: roleParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, async (tx) => {
        const member = await members.getMember(tx, actor, request.params.projectId);
        await members.deleteRole(tx, member, request.params.roleId);
      });
      return reply.status(204).send(null);
    },
  );
}
