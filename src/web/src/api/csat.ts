import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, withQuery } from './client';
import type { CsatAgentRow, CsatLowScores, CsatOverview, CsatReview } from './types';

/** The period and the filters every analytics endpoint takes. */
export interface CsatScope {
  preset: '7d' | '30d' | '90d' | '';
  from?: string;
  to?: string;
  agentId?: string;
  channel?: string;
}

export interface ReviewFilters {
  rating?: string;
  hasComment?: boolean;
  followUp?: 'open' | 'done';
  q?: string;
}

const scopeQuery = (scope: CsatScope) =>
  scope.preset ? { preset: scope.preset, agentId: scope.agentId, channel: scope.channel } : { ...scope };

const base = (projectId: string) => `/projects/${projectId}/csat`;

export const useCsatOverview = (projectId: string, scope: CsatScope) =>
  useQuery({
    queryKey: ['csat', projectId, 'overview', scope],
    queryFn: () => api<CsatOverview>(`${base(projectId)}/overview`, { query: scopeQuery(scope) }),
    placeholderData: keepPreviousData,
  });

export const useCsatAgents = (projectId: string, scope: CsatScope) =>
  useQuery({
    queryKey: ['csat', projectId, 'agents', scope],
    queryFn: () => api<{ agents: CsatAgentRow[] }>(`${base(projectId)}/agents`, { query: scopeQuery(scope) }),
    placeholderData: keepPreviousData,
  });

export const useCsatLowScores = (projectId: string, scope: CsatScope) =>
  useQuery({
    queryKey: ['csat', projectId, 'low-scores', scope],
    queryFn: () => api<CsatLowScores>(`${base(projectId)}/low-scores`, { query: scopeQuery(scope) }),
    placeholderData: keepPreviousData,
  });

/** "Follow-up done" on a low score; the reviews and the low-score numbers are read again. */
export function useCompleteFollowUp(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { surveyId: string; note: string }) =>
      api(`${base(projectId)}/follow-ups/${input.surveyId}`, { method: 'POST', json: { note: input.note } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['csat', projectId] }),
  });
}

export const useCsatReviews = (projectId: string, scope: CsatScope, filters: ReviewFilters) =>
  useInfiniteQuery({
    queryKey: ['csat', projectId, 'reviews', scope, filters],
    queryFn: ({ pageParam }) =>
      api<{ reviews: CsatReview[]; nextCursor: string | null }>(`${base(projectId)}/reviews`, {
        query: { ...scopeQuery(scope), ...filters, cursor: pageParam, limit: 25 },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

/** The CSV of exactly the rows the review list shows (the browser downloads it with the session cookie). */
export const reviewsCsvUrl = (projectId: string, scope: CsatScope, filters: ReviewFilters) =>
  withQuery(`/api/v1${base(projectId)}/reviews.csv`, { ...scopeQuery(scope), ...filters });
