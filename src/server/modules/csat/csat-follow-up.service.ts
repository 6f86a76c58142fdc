import type { Scope } from '../../app-context.js';
import type { Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { type Member, requirePermission } from '../members/index.js';
import * as repo from './csat.repo.js';

/** At or below the project's threshold (default 2 stars): a low score. */
export const isLowScore = (settings: { lowScoreThreshold: number }, rating: number) =>
  rating <= settings.lowScoreThreshold;

/** A low score's reason: one of the project's (as named now), or none. */
export function checkReason(settings: { lowScoreReasons: string[] }, reason: string | null | undefined) {
  if (!reason) return null;
  if (settings.lowScoreReasons.includes(reason)) return reason;
  const message = 'Pick one of the reasons offered, or none.';
  throw new AppError('VALIDATION_ERROR', message, [{ field: 'reason', in: 'body', message }]);
}

/** In the answer's transaction: the low score waits for a follow-up, and its people are told. */
export async function openFollowUp(s: Scope, survey: repo.SurveyRow) {
  const answeredAt = survey.submittedAt ?? s.clock.now();
  await repo.insertFollowUp(s.tx, {
    surveyId: survey.id,
    accountId: survey.accountId,
    projectId: survey.projectId,
    answeredAt,
  });
  if (!survey.ticketId) return;
  await s.bus.publish(s, 'csat.low_score_answered', {
    surveyId: survey.id,
    ticketId: survey.ticketId,
    projectId: survey.projectId,
    accountId: survey.accountId,
    agentId: survey.agentId,
    at: answeredAt,
  });
}

export const presentFollowUp = (
  row: { doneAt: Date | null; doneByUserId: string | null; note: string | null },
  doneByName: string | null,
) => ({
  doneAt: row.doneAt,
  doneBy: row.doneByUserId ? { id: row.doneByUserId, name: doneByName ?? 'Deleted user' } : null,
  note: row.note,
});

/**
 * "Follow-up done" on a low score of the member's project (csat.follow_up), with an optional note:
 * recorded once, with who and when; the answer itself stays as the customer gave it.
 */
export async function completeFollowUp(
  tx: Tx,
  clock: Clock,
  member: Member,
  surveyId: string,
  note: string | null,
) {
  requirePermission(member, 'csat.follow_up');
  const done = await repo.markFollowUpDone(tx, {
    surveyId,
    projectId: member.projectId,
    doneAt: clock.now(),
    doneByUserId: member.userId,
    note,
  });
  const row = await repo.findFollowUp(tx, member.projectId, surveyId);
  if (!row) throw notFound('Low score');
  if (!done) throw new AppError('CONFLICT', 'This low score was followed up already.');
  return presentFollowUp(row.followUp, row.doneByName);
}
