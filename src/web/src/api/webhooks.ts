import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

export const WEBHOOK_EVENTS = [
  'ticket.created',
  'ticket.status_changed',
  'message.created',
  'csat.survey_created',
  'csat.survey_answered',
  'csat.survey_withdrawn',
  'csat.survey_expired',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEvent[];
  includeInternalNotes: boolean;
  enabled: boolean;
  /** Disabled by Clearline after three days of failed deliveries. */
  disabledForFailures: boolean;
  createdAt: string;
  failingSince: string | null;
  disabledAt: string | null;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  type: WebhookEvent;
  status: 'queued' | 'sent' | 'failed' | 'kept' | 'bounced';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  log: { at: string; statusCode: number | null; durationMs: number; excerpt: string }[];
}

const endpointsKey = ['webhooks'] as const;
const deliveriesKey = (id: string) => ['webhooks', id, 'deliveries'] as const;

export const useWebhookEndpoints = () =>
  useQuery({ queryKey: endpointsKey, queryFn: () => api<{ endpoints: WebhookEndpoint[] }>('/webhooks') });

export const useWebhookDeliveries = (endpointId: string) =>
  useQuery({
    queryKey: deliveriesKey(endpointId),
    queryFn: () => api<{ deliveries: WebhookDelivery[] }>(`/webhooks/${endpointId}/deliveries`),
  });

export function useCreateWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { url: string; events: WebhookEvent[]; includeInternalNotes: boolean }) =>
      api<WebhookEndpoint & { secret: string }>('/webhooks', { method: 'POST', json: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: endpointsKey }),
  });
}

export function useUpdateWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: { id: string; enabled: boolean }) =>
      api<WebhookEndpoint>(`/webhooks/${id}`, { method: 'PATCH', json: patch }),
    onSuccess: () => client.invalidateQueries({ queryKey: endpointsKey }),
  });
}

export function useDeleteWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/webhooks/${id}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: endpointsKey }),
  });
}

export const fetchWebhookSecret = (id: string) => api<{ secret: string }>(`/webhooks/${id}/secret`);

export function useResendWebhook(endpointId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      api<{ deliveryId: string }>(`/webhooks/${endpointId}/deliveries/${deliveryId}/resend`, {
        method: 'POST',
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: deliveriesKey(endpointId) }),
  });
}
