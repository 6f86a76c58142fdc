import { en } from '../../../shared/i18n/en.js';
import { isActiveStatus, isEligibleStatus, type TicketStatus } from '../../../shared/tickets.js';
import type { Scope } from '../../app-context.js';
import type { Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { DomainEvents } from '../../lib/events.js';
import type { LinkTokens } from '../../lib/link-tokens.js';
import type { StaffActor } from '../auth/index.js';
import { type Member, requirePermission } from '../members/index.js';
import {
  AuditEventType,
  findTicketSummary,
  getTicketAccess,
  getTicketParties,
  recordAuditEvent,
} from '../tickets/index.js';
import * as repo from './csat.repo.js';
import { checkReason, isLowScore, openFollowUp } from './csat-follow-up.service.js';

const DAY_MS = 86_400_000;
export const SURVEY_LINK_PURPOSE = 'csat-survey';

export interface CsatSettings {
  enabled: boolean;
  expiryDays: number;
  invitationText: string;
  lowScoreThreshold: number;
  lowScoreReasons: string[];
}

export const DEFAULT_SETTINGS: CsatSettings = {
  enabled: true,
  expiryDays: 7,
  /** The English catalogue's; invitations left at the default are sent in the customer's language. */
  invitationText: en['mail.invitation.intro'] as string,
  lowScoreThreshold: 2,
  lowScoreReasons: [],
};

const settingsOf = (row: repo.SettingsRow): CsatSettings => ({
  enabled: row.enabled,
  expiryDays: row.expiryDays,
  invitationText: row.invitationText,
  lowScoreThreshold: row.lowScoreThreshold,
  lowScoreReasons: row.lowScoreReasons,
});

export type SurveyState = 'pending' | 'submitted' | 'expired';

/** The deadline decides, not the expiry job: a survey past expiresAt is expired even before the sweep. */
export const surveyState = (
  survey: Pick<repo.SurveyRow, 'submittedAt' | 'expiresAt'>,
  now: Date,
): SurveyState =>
  survey.submittedAt ? 'submitted' : survey.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';

const alreadySubmitted = () => new AppError('ALREADY_SUBMITTED', 'This survey has already been answered.');
const surveyExpired = () =>
  new AppError('SURVEY_EXPIRED', 'This survey has expired and can no longer be answered.');

/** Refuses early when the survey is no longer pending (submitSurvey checks again, atomically). */
export function assertAnswerable(survey: Pick<repo.SurveyRow, 'submittedAt' | 'expiresAt'>, now: Date) {
  const state = surveyState(survey, now);
  if (state === 'submitted') throw alreadySubmitted();
  if (state === 'expired') throw surveyExpired();
}

export async function getSettings(db: Queryable, projectId: string): Promise<CsatSettings> {
  const row = await repo.findSettings(db, projectId);
  return row ? settingsOf(row) : DEFAULT_SETTINGS;
}

/** What a survey form offers on a low score: the threshold and the project's reasons. */
export async function getLowScoreOptions(db: Queryable, projectId: string) {
  const { lowScoreThreshold, lowScoreReasons } = await getSettings(db, projectId);
  return { threshold: lowScoreThreshold, reasons: lowScoreReasons };
}

export async function readSettings(db: Queryable, member: Member) {
  if (!member.permissions.has('csat.manage')) requirePermission(member, 'csat.view');
  return getSettings(db, member.projectId);
}

/**
 * Changes the project's CSAT settings (csat.manage); the low-score fields keep their value when left
 * out. The change goes to the project's audit trail.
 */
export async function updateSettings(
  tx: Tx,
  clock: Clock,
  member: Member,
  input: Omit<CsatSettings, 'lowScoreThreshold' | 'lowScoreReasons'> & Partial<CsatSettings>,
) {
  requirePermission(member, 'csat.manage');
  const before = await getSettings(tx, member.projectId);
  const row = await repo.upsertSettings(tx, {
    accountId: member.accountId,
    projectId: member.projectId,
    ...before,
    ...input,
    updatedAt: clock.now(),
  });
  const after = settingsOf(row);
  await recordAuditEvent(tx, {
    accountId: member.accountId,
    projectId: member.projectId,
    ticketId: null,
    actorUserId: member.userId,
    type: AuditEventType.CsatSettingsChanged,
    data: { from: before, to: after },
    createdAt: clock.now(),
  });
  return after;
}

/**
 * Subscriber of ticket.status_changed, inside the status change's transaction:
 * entering an eligible status from an active one creates this resolution's survey;
 * going back to an active status withdraws (deletes) every unsubmitted survey of the ticket.
 */
export async function onTicketStatusChanged(s: Scope, event: DomainEvents['ticket.status_changed']) {
  const from = event.from as TicketStatus;
  const to = event.to as TicketStatus;
  if (isActiveStatus(from) && isEligibleStatus(to)) await createSurvey(s, event);
  else if (isEligibleStatus(from) && isActiveStatus(to)) await withdrawSurveys(s, event.ticketId, event.at);
}

async function createSurvey(s: Scope, event: DomainEvents['ticket.status_changed']) {
  const tx = s.tx;
  const settings = await getSettings(tx, event.projectId);
  if (!settings.enabled) return;
  const parties = await getTicketParties(tx, event.ticketId);
  const agentId = parties.assigneeId ?? (await repo.findLastPublicReplier(tx, event.ticketId));
  const ticket = await findTicketSummary(tx, event.ticketId);
  const survey = await repo.insertSurveyOnce(tx, {
    accountId: event.accountId,
    projectId: event.projectId,
    ticketId: event.ticketId,
    ticketReference: ticket?.reference ?? null,
    resolution: event.resolution,
    agentId,
    createdAt: event.at,
    expiresAt: new Date(event.at.getTime() + settings.expiryDays * DAY_MS),
  });
  if (!survey) return;
  await repo.insertEvents(tx, [
    {
      surveyId: survey.id,
      accountId: survey.accountId,
      projectId: survey.projectId,
      ticketId: event.ticketId,
      type: 'created',
      createdAt: event.at,
    },
    {
      surveyId: survey.id,
      accountId: survey.accountId,
      projectId: survey.projectId,
      ticketId: event.ticketId,
      type: 'invitation_sent',
      channel: 'portal',
      createdAt: event.at,
    },
  ]);
  await s.bus.publish(s, 'csat.survey_created', {
    surveyId: survey.id,
    ticketId: event.ticketId,
    projectId: survey.projectId,
    accountId: survey.accountId,
    at: event.at,
  });
}

/** Submitted surveys are never touched; pending and expired ones go, with their bell items. */
async function withdrawSurveys(s: Scope, ticketId: string, now: Date) {
  const { tx } = s;
  const withdrawn = await repo.deleteUnsubmittedSurveys(tx, ticketId);
  if (withdrawn.length) await s.bus.publish(s, 'csat.surveys_withdrawn', { surveys: withdrawn, at: now });
  await repo.insertEvents(
    tx,
    withdrawn.map((s) => ({
      surveyId: s.id,
      accountId: s.accountId,
      projectId: s.projectId,
      ticketId: s.ticketId,
      type: 'withdrawn' as const,
      createdAt: now,
    })),
  );
}

export const surveyPath = (links: LinkTokens, survey: Pick<repo.SurveyRow, 'id' | 'tokenVersion'>) =>
  `/s/${links.sign(SURVEY_LINK_PURPOSE, survey.id, survey.tokenVersion)}`;

/** Every survey's link starts at this version (the column's default); a withdrawn survey's link had it. */
const FIRST_TOKEN_VERSION = 1;

export const surveyWithdrawn = () =>
  new AppError(
    'SURVEY_WITHDRAWN',
    'This survey was withdrawn because your ticket was reopened — you will get a new one when it is resolved.',
  );

/**
 * The survey a link points to, with its page data; 404 for anything unknown or forged. The link of a
 * survey withdrawn by a reopen still carries a valid MAC: it gets SURVEY_WITHDRAWN (410) instead.
 */
export async function getSurveyByToken(db: Queryable, links: LinkTokens, token: string) {
  const id = links.parseId(token);
  const row = id ? await repo.findSurveyPage(db, id) : null;
  if (id && row && links.verify(SURVEY_LINK_PURPOSE, token, id, row.survey.tokenVersion)) return row;
  if (
    id &&
    !row &&
    links.verify(SURVEY_LINK_PURPOSE, token, id, FIRST_TOKEN_VERSION) &&
    (await repo.wasWithdrawn(db, id))
  ) {
    throw surveyWithdrawn();
  }
  throw notFound('Survey');
}

/** The ticket's survey a requester can answer now, or null (the portal embeds it in the ticket page). */
export const getPendingSurvey = (db: Queryable, clock: Clock, ticketId: string) =>
  repo.findPendingSurveyForTicket(db, ticketId, clock.now());

export interface SurveyAnswer {
  rating: number;
  comment: string | null;
  /** One of the project's low-score reasons; ignored above the threshold. */
  reason?: string | null | undefined;
  channel: repo.CsatChannel;
}

/**
 * Records the answer atomically against the deadline; exactly one of concurrent submissions wins.
 * A low score (at or below the project's threshold) keeps its reason and opens its follow-up.
 */
export async function submitSurvey(s: Scope, surveyId: string, answer: SurveyAnswer) {
  const { tx } = s;
  const now = s.clock.now();
  const found = await repo.findSettingsOfSurvey(tx, surveyId);
  const settings = found ? settingsOf(found) : DEFAULT_SETTINGS;
  const isLow = isLowScore(settings, answer.rating);
  const survey = await repo.submitAnswer(
    tx,
    surveyId,
    { ...answer, reason: isLow ? checkReason(settings, answer.reason) : null },
    now,
  );
  if (!survey) {
    const current = await repo.findSurvey(tx, surveyId);
    if (!current) throw notFound('Survey');
    if (current.submittedAt) throw alreadySubmitted();
    throw surveyExpired();
  }
  if (isLow) await openFollowUp(s, survey);
  await s.bus.publish(s, 'csat.surveys_ended', {
    surveyIds: [survey.id],
    reason: 'answered',
    surveys: [survey],
    at: now,
  });
  await repo.insertSubmittedEvent(tx, {
    surveyId: survey.id,
    accountId: survey.accountId,
    projectId: survey.projectId,
    ticketId: survey.ticketId,
    channel: answer.channel,
    createdAt: now,
  });
  return survey;
}

/** The expiry sweep: marks overdue surveys expired, records the events, says they ended. */
export async function expireDueSurveys(scope: Scope, batch = 500) {
  const now = scope.clock.now();
  const expired = await repo.markExpired(scope.tx, now, batch);
  if (!expired.length) return 0;
  await scope.bus.publish(scope, 'csat.surveys_ended', {
    surveyIds: expired.map((s) => s.id),
    reason: 'expired',
    surveys: expired.map((s) => ({ ...s, rating: null, comment: null })),
    at: now,
  });
  await repo.insertEvents(
    scope.tx,
    expired.map((s) => ({
      surveyId: s.id,
      accountId: s.accountId,
      projectId: s.projectId,
      ticketId: s.ticketId,
      type: 'expired' as const,
      createdAt: now,
    })),
  );
  return expired.length;
}

export async function listTicketSurveys(db: Queryable, clock: Clock, actor: StaffActor, ticketId: string) {
  const { member } = await getTicketAccess(db, actor, ticketId);
  requirePermission(member, 'csat.view');
  const now = clock.now();
  const rows = await repo.listTicketSurveys(db, ticketId);
  return rows.map(({ survey, agentName }) => ({
    id: survey.id,
    resolution: survey.resolution,
    state: surveyState(survey, now),
    agent: survey.agentId && agentName ? { id: survey.agentId, name: agentName } : null,
    createdAt: survey.createdAt,
    expiresAt: survey.expiresAt,
    submittedAt: survey.submittedAt,
    rating: survey.rating,
    comment: survey.comment,
    reason: survey.reason,
    channel: survey.channel,
  }));
}
