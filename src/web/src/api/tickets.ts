import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api } from './client';
import type { Message, Ticket, TicketPriority, TicketStatus, TicketSummary, TicketSurvey } from './types';

export interface TicketFilters {
  assignee?: string;
  status?: string;
  priority?: string;
  tag?: string;
  q?: string;
}

const PAGE_SIZE = 25;

/** The inbox: newest first, one page at a time ("load more" follows the cursor). */
export const useTickets = (projectId: string, filters: TicketFilters) =>
  useInfiniteQuery({
    queryKey: ['tickets', projectId, filters],
    queryFn: ({ pageParam }) =>
      api<{ tickets: TicketSummary[]; nextCursor: string | null }>(`/projects/${projectId}/tickets`, {
        query: { ...filters, cursor: pageParam, limit: PAGE_SIZE },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

const ticketKey = (ticketId: string) => ['ticket', ticketId] as const;

export interface CustomerMatch {
  id: string;
  name: string;
  email: string;
}

/** The project's requesters whose email or name starts with `q` (nothing is asked for an empty q). */
export const useCustomerSearch = (projectId: string, q: string) =>
  useQuery({
    queryKey: ['customers', projectId, q.trim()],
    queryFn: () =>
      api<{ customers: CustomerMatch[] }>(`/projects/${projectId}/customers`, { query: { q: q.trim() } }),
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });

export interface NewTicket {
  requester: { email: string; name: string };
  subject: string;
  body: string;
  priority: TicketPriority;
  assigneeId: string | null;
  notifyRequester: boolean;
  files: File[];
}

/** Opens a ticket as multipart/form-data: the fields first, then the files of the first message. */
export function useCreateTicket(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: NewTicket) => {
      const form = new FormData();
      form.append('requester.email', input.requester.email);
      form.append('requester.name', input.requester.name);
      form.append('subject', input.subject);
      form.append('body', input.body);
      form.append('priority', input.priority);
      if (input.assigneeId) form.append('assigneeId', input.assigneeId);
      form.append('notifyRequester', String(input.notifyRequester));
      for (const file of input.files) form.append('files', file);
      return api<TicketSummary>(`/projects/${projectId}/tickets`, { method: 'POST', form });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['tickets', projectId] }),
  });
}

export const useTicket = (ticketId: string) =>
  useQuery({ queryKey: ticketKey(ticketId), queryFn: () => api<Ticket>(`/tickets/${ticketId}`) });

export interface TicketChange {
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: string | null;
  closesAt?: string;
}

export function useUpdateTicket(ticketId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: TicketChange) =>
      api<Ticket>(`/tickets/${ticketId}`, { method: 'PATCH', json: change }),
    onSuccess: (ticket) => {
      client.setQueryData(ticketKey(ticketId), ticket);
      client.invalidateQueries({ queryKey: ['tickets', ticket.projectId] });
      client.invalidateQueries({ queryKey: ['surveys', ticketId] });
    },
  });
}

export function usePostMessage(ticketId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { body: string; internal: boolean; files: File[] }) => {
      if (input.files.length === 0) {
        return api<Message>(`/tickets/${ticketId}/messages`, {
          method: 'POST',
          json: { body: input.body, internal: input.internal },
        });
      }
      const form = new FormData();
      form.append('body', input.body);
      form.append('internal', String(input.internal));
      for (const file of input.files) form.append('files', file);
      return api<Message>(`/tickets/${ticketId}/messages`, { method: 'POST', form });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ticketKey(ticketId) }),
  });
}

export function useSetWatching(ticketId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, watching }: { userId: string; watching: boolean }) =>
      api<void>(`/tickets/${ticketId}/watchers/${userId}`, { method: watching ? 'PUT' : 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ticketKey(ticketId) }),
  });
}

export const useTicketSurveys = (ticketId: string, enabled: boolean) =>
  useQuery({
    queryKey: ['surveys', ticketId],
    queryFn: () => api<{ surveys: TicketSurvey[] }>(`/tickets/${ticketId}/surveys`),
    enabled,
  });

/** Mails the ticket's portal link to its requester: staff never see the link itself. */
export const useSendPortalLink = (ticketId: string) =>
  useMutation({
    mutationFn: () => api<void>(`/tickets/${ticketId}/portal-link/mail`, { method: 'POST' }),
  });

/** Replaces the portal link: the requester's old link stops working at once. */
export const useResetPortalLink = (ticketId: string) =>
  useMutation({ mutationFn: () => api<void>(`/tickets/${ticketId}/portal-link`, { method: 'POST' }) });

export interface TrashedTicket extends TicketSummary {
  deletedAt: string;
  deletedBy: { id: string; name: string } | null;
  purgeAt: string;
}

/** The project's trash: deleted tickets, restorable until their purge date. */
export const useTrash = (projectId: string) =>
  useQuery({
    queryKey: ['trash', projectId],
    queryFn: () => api<{ tickets: TrashedTicket[] }>(`/projects/${projectId}/trash`),
  });

export function useDeleteTicket(ticketId: string, projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>(`/tickets/${ticketId}`, { method: 'DELETE' }),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['tickets', projectId] });
      client.invalidateQueries({ queryKey: ['trash', projectId] });
    },
  });
}

export function useRestoreTicket(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ticketId: string) => api<Ticket>(`/tickets/${ticketId}/restore`, { method: 'POST' }),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['tickets', projectId] });
      client.invalidateQueries({ queryKey: ['trash', projectId] });
    },
  });
}

/** Whether the requester linked Discord on the portal (the name only); staff never link for them. */
export const useRequesterDiscord = (ticketId: string) =>
  useQuery({
    queryKey: ['ticket', ticketId, 'requester-discord'] as const,
    queryFn: () =>
      api<{ linked: boolean; username: string | null }>(`/tickets/${ticketId}/requester/discord`),
    staleTime: 60_000,
  });
