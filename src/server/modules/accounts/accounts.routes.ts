import { z } from 'zod';
import type { Permission } from '../../../shared/tickets.js';
import type { AppContext } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { type Api, errorResponses, setSessionCookie, text } from '../../lib/http.js';
import { authenticate, createSession, SESSION_COOKIE, sessionClientOf } from '../auth/index.js';
import { getMember, listMemberships } from '../members/index.js';
import {
  accountSchema,
  meSchema,
  projectKey,
  projectSchema,
  setupBody,
  setupResult,
  updateAccountBody,
} from './accounts.schemas.js';
import * as accounts from './accounts.service.js';
import { renderSetupPage } from './setup-page.js';

const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const LOGO_MAX_BYTES = 512 * 1024;
const projectParams = z.object({ projectId: z.uuid() });
/** Per client, for the setup API and the setup form alike: setting up takes one or two tries. */
const setupRateLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

type MembershipRow = Awaited<ReturnType<typeof listMemberships>>[number];
const presentProject = (m: MembershipRow) => ({
  id: m.projectId,
  name: m.projectName,
  key: m.projectKey,
  role: { id: m.roleId, name: m.roleName, kind: m.roleKind },
  permissions: m.permissions as Permission[],
  abilities: { update: m.permissions.includes('settings.manage'), delete: m.roleKind === 'owner' },
});

export function registerAccountRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and which database this instance uses.',
        security: [],
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['bundled', 'external']) }) },
      },
    },
    async () => {
      await accounts.checkDatabase(ctx.db);
      return { status: 'ok' as const, database: ctx.databaseMode };
    },
  );

  app.post(
    '/api/v1/setup',
    {
      config: setupRateLimit,
      schema: {
        tags: ['setup'],
        summary: 'First-run setup: creates the account, first project and owner. 409 once done.',
        security: [],
        body: setupBody,
        response: { 201: setupResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await inTransaction(ctx.db, (tx) =>
        accounts.setupInstance(tx, ctx.clock, ctx.config.passwordCost, request.body),
      );
      return reply.status(201).send(result);
    },
  );

  // The web root: the setup form until an account exists, then the staff app.
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const accountName = await accounts.getInstanceName(ctx.db);
    if (accountName !== null) return reply.redirect('/app/');
    return reply.type('text/html; charset=utf-8').send(renderSetupPage());
  });

  app.post('/setup', { config: setupRateLimit, schema: { hide: true } }, async (request, reply) => {
    const values = (request.body ?? {}) as Record<string, string>;
    const parsed = setupBody.safeParse(values);
    reply.type('text/html; charset=utf-8');
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reply.status(400).send(renderSetupPage(values, `${issue?.path.join('.')}: ${issue?.message}`));
    }
    try {
      const session = await inTransaction(ctx.db, async (tx) => {
        const result = await accounts.setupInstance(tx, ctx.clock, ctx.config.passwordCost, parsed.data);
        return createSession(tx, ctx.clock, result, ctx.config.sessionDays, sessionClientOf(request));
      });
      setSessionCookie(reply, request, SESSION_COOKIE, session);
      return reply.redirect('/', 303);
    } catch (err) {
      if (err instanceof AppError)
        return reply.status(err.statusCode).send(renderSetupPage(values, err.message));
      throw err;
    }
  });

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['account'],
        summary:
          'You, your account with your account-wide abilities, your projects with your permissions in each, and whether mail is delivered.',
        response: { 200: meSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const [user, account, memberships] = await Promise.all([
        accounts.getUser(ctx.db, actor.userId),
        accounts.getAccount(ctx.db, actor),
        listMemberships(ctx.db, actor),
      ]);
      if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in again.');
      return {
        user: { id: user.id, name: user.name, email: user.email, accountRole: user.accountRole },
        account,
        projects: memberships.map(presentProject),
        mailDelivery: ctx.config.smtpUrl ? ('smtp' as const) : ('kept' as const),
      };
    },
  );

  app.patch(
    '/api/v1/account',
    {
      schema: {
        tags: ['account'],
        summary:
          "Change the account's name, time zone, customers' default language or brand colour (the account-wide account.manage permission: the account owner).",
        body: updateAccountBody,
        response: { 200: accountSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return inTransaction(ctx.db, (tx) => accounts.updateAccount(tx, actor, request.body));
    },
  );

  app.register(async (logoScope) => {
    logoScope.addContentTypeParser(
      LOGO_TYPES,
      { parseAs: 'buffer', bodyLimit: LOGO_MAX_BYTES },
      (_r, body, done) => done(null, body),
    );
    logoScope.put(
      '/api/v1/account/logo',
      {
        schema: {
          tags: ['account'],
          summary: `Upload the account logo as the raw body (${LOGO_TYPES.join(', ')}; at most 512 KiB; account.manage). The bytes must be one of these images (else 415 NOT_AN_IMAGE).`,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const actor = await authenticate(ctx, request);
        const contentType = request.headers['content-type']?.split(';')[0]?.trim() ?? '';
        if (
          !LOGO_TYPES.includes(contentType) ||
          !Buffer.isBuffer(request.body) ||
          request.body.length === 0
        ) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the logo as ${LOGO_TYPES.join(', ')}.`);
        }
        const data = request.body;
        await inTransaction(ctx.db, (tx) => accounts.setAccountLogo(tx, actor, data));
        return reply.status(204).send(null);
      },
    );
  });

  app.delete(
    '/api/v1/account/logo',
    {
      schema: {
        tags: ['account'],
        summary: 'Remove the account logo (account.manage).',
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) => accounts.setAccountLogo(tx, actor, null));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/accounts/:accountId/logo',
    {
      schema: {
        tags: ['account'],
        summary: "The account's logo, public: it brands the portal, survey pages and mails.",
        security: [],
        params: z.object({ accountId: z.uuid() }),
      },
    },
    async (request, reply) => {
      const logo = await accounts.getAccountLogo(ctx.db, request.params.accountId);
      if (!logo) throw new AppError('NOT_FOUND', 'This account has no logo.');
      reply.header('Cache-Control', 'public, max-age=300').type(logo.contentType);
      return reply.send(logo.logo);
    },
  );

  app.get(
    '/api/v1/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'The projects you are a member of, with your role and permissions.',
        response: { 200: z.object({ projects: z.array(projectSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return { projects: (await listMemberships(ctx.db, actor)).map(presentProject) };
    },
  );

  app.post(
    '/api/v1/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Create a project; you become its owner (settings.manage in one of the account projects).',
        body: z.object({ name: text().trim().min(1).max(200), key: projectKey.optional() }),
        response: { 201: z.object({ id: z.uuid(), name: z.string(), key: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const project = await inTransaction(ctx.db, (tx) =>
        accounts.createProject(tx, ctx.clock, actor, request.body),
      );
      return reply.status(201).send({ id: project.id, name: project.name, key: project.key });
    },
  );

  app.patch(
    '/api/v1/projects/:projectId',
    {
      schema: {
        tags: ['projects'],
        summary: 'Rename a project (settings.manage).',
        params: projectParams,
        body: z.object({ name: text().trim().min(1).max(200) }),
        response: { 200: z.object({ id: z.uuid(), name: z.string(), key: z.string() }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const project = await inTransaction(ctx.db, async (tx) => {
        const member = await getMember(tx, actor, request.params.projectId);
        return accounts.renameProject(tx, member, request.body.name);
      });
      return { id: project.id, name: project.name, key: project.key };
    },
  );

  app.delete(
    '/api/v1/projects/:projectId',
    {
      schema: {
        tags: ['projects'],
        summary: 'Delete a project and all its tickets (Owner only).',
        params: projectParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, async (tx) => {
        const member = await getMember(tx, actor, request.params.projectId);
        await accounts.deleteProject(tx, member);
      });
      return reply.status(204).send(null);
    },
  );
}
