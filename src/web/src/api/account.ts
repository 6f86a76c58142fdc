import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Language } from '../../../shared/i18n';
import { api } from './client';
import type { Account, ApiToken, Me, Session } from './types';

export const meKey = ['me'] as const;

/** Who is signed in, their account and their projects with permissions; a 401 means "show sign-in". */
export const useMe = () =>
  useQuery({ queryKey: meKey, queryFn: () => api<Me>('/me'), retry: false, staleTime: 60_000 });

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) =>
      api<{ userId: string }>('/auth/sign-in', { method: 'POST', json: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: meKey }),
  });
}

/** Ends the session, then reloads the app: nothing of the signed-in person stays in memory. */
export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/auth/sign-out', { method: 'POST' }),
    onSuccess: () => {
      client.clear();
      window.location.assign('/app/');
    },
  });
}

export function useUpdateAccount() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      name?: string;
      timezone?: string;
      defaultLanguage?: Language;
      brandColor?: string | null;
    }) => api<Account>('/account', { method: 'PATCH', json: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: meKey }),
  });
}

export function useSetLogo() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (file: File | null) =>
      file
        ? api<void>('/account/logo', { method: 'PUT', raw: file })
        : api<void>('/account/logo', { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: meKey }),
  });
}

const tokensKey = ['api-tokens'] as const;

export const useApiTokens = () =>
  useQuery({ queryKey: tokensKey, queryFn: () => api<{ tokens: ApiToken[] }>('/me/api-tokens') });

export function useCreateApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      api<ApiToken & { token: string }>('/me/api-tokens', { method: 'POST', json: { name } }),
    onSuccess: () => client.invalidateQueries({ queryKey: tokensKey }),
  });
}

export function useRevokeApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/me/api-tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: tokensKey }),
  });
}

const sessionsKey = ['sessions'] as const;

export const useSessions = () =>
  useQuery({ queryKey: sessionsKey, queryFn: () => api<{ sessions: Session[] }>('/me/sessions') });

export function useEndSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/me/sessions/${id}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: sessionsKey }),
  });
}

/** Ends every session, this one included, then reloads the app on the sign-in page. */
export function useSignOutEverywhere() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/me/sessions', { method: 'DELETE' }),
    onSuccess: () => {
      client.clear();
      window.location.assign('/app/');
    },
  });
}

export function useChangePassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) =>
      api<void>('/me/password', { method: 'POST', json: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: sessionsKey }),
  });
}

export const useRequestPasswordReset = () =>
  useMutation({
    mutationFn: (email: string) =>
      api<{ message: string }>('/auth/password-reset', { method: 'POST', json: { email } }),
  });

export const useResetPassword = () =>
  useMutation({
    mutationFn: (input: { token: string; password: string }) =>
      api<void>('/auth/password-reset/complete', { method: 'POST', json: input }),
  });
