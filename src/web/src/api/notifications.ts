import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

export interface StaffNotification {
  id: string;
  kind: 'new_ticket' | 'requester_reply' | 'reopened' | 'low_score';
  ticket: { id: string; projectId: string; reference: string; subject: string; requesterName: string };
  excerpt: string | null;
  lowScore: { surveyId: string; rating: number; reason: string | null } | null;
  createdAt: string;
  readAt: string | null;
}

const key = ['notifications'] as const;

/** Your newest notifications, unread first (the header shows the unread count). */
export const useNotifications = () =>
  useQuery({
    queryKey: key,
    queryFn: () =>
      api<{ notifications: StaffNotification[]; unreadCount: number }>('/me/notifications', {
        query: { limit: 50 },
      }),
    refetchInterval: 60_000,
  });

export function useMarkNotificationsRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { ids: string[] } | { all: true }) =>
      api('/me/notifications/read', { method: 'POST', json: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
