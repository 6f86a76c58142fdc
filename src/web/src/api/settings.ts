import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from './client';
import type { CsatSettings, Member, Permission, Role } from './types';

const membersKey = (projectId: string) => ['members', projectId] as const;
const rolesKey = (projectId: string) => ['roles', projectId] as const;

export const useMembers = (projectId: string) =>
  useQuery({
    queryKey: membersKey(projectId),
    queryFn: () => api<{ members: Member[] }>(`/projects/${projectId}/members`),
    staleTime: 60_000,
  });

export function useMemberMutations(projectId: string) {
  const client = useQueryClient();
  const onSuccess = () => client.invalidateQueries({ queryKey: membersKey(projectId) });
  return {
    add: useMutation({
      mutationFn: (input: { email: string; name?: string; password?: string; roleId: string }) =>
        api<{ userId: string }>(`/projects/${projectId}/members`, { method: 'POST', json: input }),
      onSuccess,
    }),
    changeRole: useMutation({
      mutationFn: ({ userId, roleId }: { userId: string; roleId: string }) =>
        api<void>(`/projects/${projectId}/members/${userId}`, { method: 'PATCH', json: { roleId } }),
      onSuccess,
    }),
    remove: useMutation({
      mutationFn: (userId: string) =>
        api<void>(`/projects/${projectId}/members/${userId}`, { method: 'DELETE' }),
      onSuccess,
    }),
    resetSessions: useMutation({
      mutationFn: (userId: string) =>
        api<{ ended: number }>(`/projects/${projectId}/members/${userId}/sessions`, { method: 'DELETE' }),
    }),
  };
}

export const useRoles = (projectId: string) =>
  useQuery({
    queryKey: rolesKey(projectId),
    queryFn: () => api<{ roles: Role[] }>(`/projects/${projectId}/roles`),
  });

export function useRoleMutations(projectId: string) {
  const client = useQueryClient();
  const onSuccess = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: rolesKey(projectId) }),
      client.invalidateQueries({ queryKey: ['me'] }),
    ]);
  return {
    create: useMutation({
      mutationFn: (input: { name: string; permissions: Permission[] }) =>
        api<Role>(`/projects/${projectId}/roles`, { method: 'POST', json: input }),
      onSuccess,
    }),
    update: useMutation({
      mutationFn: ({ id, ...input }: { id: string; name: string; permissions: Permission[] }) =>
        api<Role>(`/projects/${projectId}/roles/${id}`, { method: 'PATCH', json: input }),
      onSuccess,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>(`/projects/${projectId}/roles/${id}`, { method: 'DELETE' }),
      onSuccess,
    }),
  };
}

const csatSettingsKey = (projectId: string) => ['csat-settings', projectId] as const;

export const useCsatSettings = (projectId: string) =>
  useQuery({
    queryKey: csatSettingsKey(projectId),
    queryFn: () => api<CsatSettings>(`/projects/${projectId}/csat/settings`),
  });

export function useSaveCsatSettings(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CsatSettings) =>
      api<CsatSettings>(`/projects/${projectId}/csat/settings`, { method: 'PUT', json: input }),
    onSuccess: (saved) => client.setQueryData(csatSettingsKey(projectId), saved),
  });
}

export type DiscordDelivery = 'dm_only' | 'dm_and_email';

interface SecretState {
  set: true;
  last4: string;
  savedAt: string;
}

export interface DiscordSettings {
  configured: boolean;
  applicationId: string | null;
  publicKey: string | null;
  botToken: SecretState | null;
  clientSecret: SecretState | null;
  botName: string | null;
  broken: { at: string; reason: string } | null;
  interactionsUrl: string;
  redirectUrl: string;
  addBotUrl: string | null;
  projects: { id: string; name: string; delivery: DiscordDelivery }[];
}

const discordKey = ['discord-settings'] as const;

export const useDiscordSettings = () =>
  useQuery({ queryKey: discordKey, queryFn: () => api<DiscordSettings>('/discord/settings') });

export function useDiscordMutations() {
  const client = useQueryClient();
  const onSuccess = (settings: DiscordSettings) => client.setQueryData(discordKey, settings);
  return {
    save: useMutation({
      mutationFn: (input: {
        applicationId: string;
        publicKey: string;
        botToken?: string;
        clientSecret?: string;
      }) => api<DiscordSettings>('/discord/settings', { method: 'PUT', json: input }),
      onSuccess,
    }),
    setDelivery: useMutation({
      mutationFn: ({ projectId, delivery }: { projectId: string; delivery: DiscordDelivery }) =>
        api<DiscordSettings>(`/discord/projects/${projectId}`, { method: 'PUT', json: { delivery } }),
      onSuccess,
    }),
  };
}

export interface InboundSettings {
  address: string | null;
  newTicketsPerSenderHour: number;
  /** Mail requesters an acknowledgement of their new ticket (reference, subject, portal link). */
  acknowledge: boolean;
  /** The acknowledgement's opening words; null: the built-in text in the customer's language. */
  acknowledgementText: string | null;
}

export interface InboundMail {
  id: string;
  messageId: string;
  from: string;
  subject: string;
  status: 'ticket' | 'reply' | 'held' | 'auto' | 'bounce' | 'discarded';
  reason: string | null;
  ticketId: string | null;
  size: number;
  receivedAt: string;
}

const inboundKey = (projectId: string) => ['inbound-settings', projectId] as const;
const heldKey = (projectId: string) => ['inbound-held', projectId] as const;

export const useInboundSettings = (projectId: string) =>
  useQuery({
    queryKey: inboundKey(projectId),
    queryFn: () => api<InboundSettings>(`/projects/${projectId}/inbound/settings`),
  });

export function useSaveInboundSettings(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: InboundSettings) =>
      api<InboundSettings>(`/projects/${projectId}/inbound/settings`, { method: 'PUT', json: input }),
    onSuccess: (saved) => client.setQueryData(inboundKey(projectId), saved),
  });
}

export const useHeldMail = (projectId: string) =>
  useQuery({
    queryKey: heldKey(projectId),
    queryFn: () =>
      api<{ messages: InboundMail[] }>(`/projects/${projectId}/inbound/messages`, {
        query: { status: 'held' },
      }),
  });

export function useReviewMail(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'release' | 'discard' }) =>
      api<InboundMail>(`/inbound/messages/${id}/review`, { method: 'POST', json: { action } }),
    onSuccess: () => client.invalidateQueries({ queryKey: heldKey(projectId) }),
  });
}

export interface Mailbox {
  enabled: boolean;
  host: string;
  port: number;
  tls: boolean;
  username: string;
  passwordSet: true;
  folder: string;
  processedFolder: string | null;
  pollSeconds: number;
  updatedAt: string;
  lastCheckedAt: string | null;
  lastError: string | null;
}

export type MailboxInput = Omit<Mailbox, 'passwordSet' | 'updatedAt' | 'lastCheckedAt' | 'lastError'> & {
  password?: string;
};

const mailboxKey = (projectId: string) => ['mailbox', projectId] as const;

/** The project's IMAP mailbox, or null when none is set (the API answers 404). */
export const useMailbox = (projectId: string) =>
  useQuery({
    queryKey: mailboxKey(projectId),
    queryFn: () =>
      api<Mailbox>(`/projects/${projectId}/mailbox`).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }),
  });

export function useMailboxMutations(projectId: string) {
  const client = useQueryClient();
  return {
    save: useMutation({
      mutationFn: (input: MailboxInput) =>
        api<Mailbox>(`/projects/${projectId}/mailbox`, { method: 'PUT', json: input }),
      onSuccess: (saved) => client.setQueryData(mailboxKey(projectId), saved),
    }),
    remove: useMutation({
      mutationFn: () => api<void>(`/projects/${projectId}/mailbox`, { method: 'DELETE' }),
      onSuccess: () => client.setQueryData(mailboxKey(projectId), null),
    }),
  };
}
