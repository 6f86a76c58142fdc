import { z } from 'zod';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { type Api, errorResponses } from '../../lib/http.js';
import { authenticate } from '../auth/index.js';
import { markReadBody, notificationsPage, notificationsQuery } from './notifications.schemas.js';
import * as notifications from './notifications.service.js';

export function registerNotificationRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/me/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'Your notifications (new tickets, requester replies, reopens, low scores), unread first, paginated.',
        querystring: notificationsQuery,
        response: { 200: notificationsPage, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return notifications.listMyNotifications(ctx.db, actor, request.query);
    },
  );

  app.post(
    '/api/v1/me/notifications/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark your notifications read: {"ids": [...]} or {"all": true}.',
        body: markReadBody,
        response: {
          200: z.object({ marked: z.number().int(), unreadCount: z.number().int() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const ids = 'ids' in request.body ? request.body.ids : 'all';
      const marked = await inTransaction(ctx.db, (tx) =>
        notifications.markNotificationsRead(scopeOf(ctx, tx), actor, ids),
      );
      return { marked, unreadCount: await notifications.countUnreadNotifications(ctx.db, actor) };
    },
  );
}
