import { z } from 'zod';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { type Api, errorResponses } from '../../lib/http.js';
import { authenticate } from '../auth/index.js';
import {
  createEndpointBody,
  deliveryParams,
  endpointParams,
  endpointSchema,
  secretSchema,
  updateEndpointBody,
  webhookDeliverySchema,
} from './webhooks.schemas.js';
import * as webhooks from './webhooks.service.js';

const tags = ['webhooks'];
const OWNER_ONLY = 'Account owner only (account.manage).';

export function registerWebhookRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: `The account's webhook endpoints. ${OWNER_ONLY}`,
        response: { 200: z.object({ endpoints: z.array(endpointSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return { endpoints: await webhooks.listEndpoints(ctx.db, actor) };
    },
  );

  app.post(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: `Register an endpoint (https://, or http:// with WEBHOOKS_ALLOW_HTTP) for the chosen events; the answer carries its signing secret. ${OWNER_ONLY}`,
        body: createEndpointBody,
        response: { 201: endpointSchema.extend(secretSchema.shape), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const created = await inTransaction(ctx.db, (tx) =>
        webhooks.createEndpoint(ctx, scopeOf(ctx, tx), actor, request.body),
      );
      reply.header('Cache-Control', 'no-store');
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/webhooks/:endpointId',
    {
      schema: {
        tags,
        summary: `One webhook endpoint. ${OWNER_ONLY}`,
        params: endpointParams,
        response: { 200: endpointSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return webhooks.getEndpoint(ctx.db, actor, request.params.endpointId);
    },
  );

  app.patch(
    '/api/v1/webhooks/:endpointId',
    {
      schema: {
        tags,
        summary: `Change an endpoint's URL or events, or enable/disable it. ${OWNER_ONLY}`,
        params: endpointParams,
        body: updateEndpointBody,
        response: { 200: endpointSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return inTransaction(ctx.db, (tx) =>
        webhooks.updateEndpoint(ctx, scopeOf(ctx, tx), actor, request.params.endpointId, request.body),
      );
    },
  );

  app.delete(
    '/api/v1/webhooks/:endpointId',
    {
      schema: {
        tags,
        summary: `Delete an endpoint; what is queued for it is not sent. ${OWNER_ONLY}`,
        params: endpointParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) =>
        webhooks.deleteEndpoint(scopeOf(ctx, tx), actor, request.params.endpointId),
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/webhooks/:endpointId/secret',
    {
      schema: {
        tags,
        summary: `The endpoint's signing secret. ${OWNER_ONLY}`,
        params: endpointParams,
        response: { 200: secretSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      reply.header('Cache-Control', 'no-store');
      return { secret: await webhooks.getSecret(ctx, actor, request.params.endpointId) };
    },
  );

  app.get(
    '/api/v1/webhooks/:endpointId/deliveries',
    {
      schema: {
        tags,
        summary: `The endpoint's delivery log: its 50 newest deliveries with each HTTP attempt (status, duration, response excerpt). ${OWNER_ONLY}`,
        params: endpointParams,
        response: { 200: z.object({ deliveries: z.array(webhookDeliverySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return { deliveries: await webhooks.listEndpointDeliveries(ctx.db, actor, request.params.endpointId) };
    },
  );

  app.post(
    '/api/v1/webhooks/:endpointId/deliveries/:deliveryId/resend',
    {
      schema: {
        tags,
        summary: `Send a delivery's event again (same event id) as a new delivery. ${OWNER_ONLY}`,
        params: deliveryParams,
        response: { 202: z.object({ deliveryId: z.uuid() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const { endpointId, deliveryId } = request.params;
      const id = await inTransaction(ctx.db, (tx) =>
        webhooks.resendDelivery(scopeOf(ctx, tx), actor, endpointId, deliveryId),
      );
      return reply.status(202).send({ deliveryId: id });
    },
  );
}
