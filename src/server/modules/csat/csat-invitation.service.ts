import type { Scope } from '../../app-context.js';
import type { Queryable } from '../../db/client.js';
import * as repo from './csat.repo.js';
import { DEFAULT_SETTINGS, getSettings } from './csat.service.js';

/**
 * What an invitation says: the survey and its project's own invitation text, null while it is the
 * default (the mail then says it in the customer's language). Null once withdrawn.
 */
export async function findSurveyInvitation(db: Queryable, surveyId: string) {
  const survey = await repo.findSurvey(db, surveyId);
  if (!survey) return null;
  const { invitationText } = await getSettings(db, survey.projectId);
  return {
    survey,
    invitationText: invitationText === DEFAULT_SETTINGS.invitationText ? null : invitationText,
  };
}

/** An invitation reached its channel's other side (the SMTP server accepted the mail, say). */
export async function recordInvitationSent(s: Scope, surveyId: string, channel: repo.CsatChannel) {
  const survey = await repo.findSurvey(s.tx, surveyId);
  if (!survey) return;
  await repo.insertEvents(s.tx, [
    {
      accountId: survey.accountId,
      surveyId,
      projectId: survey.projectId,
      ticketId: survey.ticketId,
      type: 'invitation_sent',
      channel,
      createdAt: s.clock.now(),
    },
  ]);
}
