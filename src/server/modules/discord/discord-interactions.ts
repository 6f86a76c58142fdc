import { createPublicKey, verify } from 'node:crypto';
import {
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  TextInputStyle,
} from 'discord-api-types/v10';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { findSurveyInvitation, getLowScoreOptions, MAX_COMMENT_LENGTH, submitSurvey } from '../csat/index.js';
import { findTicketSummary } from '../tickets/index.js';
import * as repo from './discord.repo.js';
import { findCustomerIdByDiscordUser } from './discord.service.js';
import { closedDmContent, type DmState, modalId, queueSurveyDmEdits } from './discord-dm.js';

/** Discord signs each interaction; one older than this is a replay. */
const MAX_AGE_SECONDS = 5 * 60;
const COMMENT_FIELD = 'comment';
const REASON_FIELD = 'reason';
// An Ed25519 public key in SPKI DER is this prefix and the raw 32 bytes Discord shows in hex.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Checks `X-Signature-Ed25519` over `X-Signature-Timestamp` + the raw body with the application's public key. */
export function verifyInteraction(
  publicKeyHex: string,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  rawBody: Buffer,
  nowSeconds: number,
): boolean {
  if (
    !signatureHex ||
    !timestamp ||
    !/^[0-9a-f]{128}$/i.test(signatureHex) ||
    !/^\d{1,12}$/.test(timestamp)
  ) {
    return false;
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_AGE_SECONDS) return false;
  if (!/^[0-9a-f]{64}$/i.test(publicKeyHex)) return false;
  const key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
  return verify(
    null,
    Buffer.concat([Buffer.from(timestamp), rawBody]),
    key,
    Buffer.from(signatureHex, 'hex'),
  );
}

/** A submitted modal field: a text input's value, or a string select's values. */
interface SubmittedField {
  custom_id?: string;
  value?: string;
  values?: string[];
}

interface Interaction {
  type: number;
  user?: { id: string };
  member?: { user?: { id: string } };
  data?: {
    custom_id?: string;
    // Action rows carry `components`, labels (type 18) their one `component`.
    components?: { components?: SubmittedField[]; component?: SubmittedField }[];
  };
}

const ephemeral = (content: string) => ({
  type: InteractionResponseType.ChannelMessageWithSource,
  data: { content, flags: MessageFlags.Ephemeral },
});

const parseCustomId = (id: string | undefined) => {
  const m = /^(csat|csat-modal):([0-9a-f-]{36}):([1-5])$/.exec(id ?? '');
  return m ? { modal: m[1] === 'csat-modal', surveyId: m[2] as string, rating: Number(m[3]) } : null;
};

/**
 * Answers one interaction, within Discord's 3 seconds (a couple of indexed reads, and for a modal
 * submit the same atomic submission as the web): `null` when the signature does not hold.
 */
export async function handleInteraction(
  ctx: AppContext,
  accountId: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  rawBody: Buffer,
) {
  const app = await repo.findApp(ctx.db, accountId);
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  if (!app || !verifyInteraction(app.publicKey, headers.signature, headers.timestamp, rawBody, now))
    return null;
  let interaction: Interaction;
  try {
    interaction = JSON.parse(rawBody.toString('utf8')) as Interaction;
  } catch {
    throw new AppError('MALFORMED_JSON', 'The interaction is not valid JSON.');
  }
  if (interaction.type === InteractionType.Ping) return { type: InteractionResponseType.Pong };
  const target = parseCustomId(interaction.data?.custom_id);
  const userId = interaction.user?.id ?? interaction.member?.user?.id;
  if (!target || !userId) return ephemeral('This button is not one of ours any more.');

  const row = await findSurveyInvitation(ctx.db, target.surveyId);
  const ticket = row?.survey.ticketId ? await findTicketSummary(ctx.db, row.survey.ticketId) : null;
  if (!row || !ticket || ticket.accountId !== accountId) {
    return closed(ctx, target.surveyId, 'withdrawn', null);
  }
  const customerId = await findCustomerIdByDiscordUser(ctx.db, accountId, userId);
  if (customerId !== ticket.requester.id) {
    return ephemeral(
      'Only the customer who asked for help can rate this request, from their own linked Discord account.',
    );
  }
  if (row.survey.submittedAt) return closed(ctx, row.survey.id, 'answered', row.survey.rating);
  if (row.survey.expiresAt.getTime() <= ctx.clock.now().getTime()) {
    return closed(ctx, row.survey.id, 'expired', null);
  }

  if (interaction.type === InteractionType.MessageComponent && !target.modal) {
    const low = await getLowScoreOptions(ctx.db, row.survey.projectId);
    const reasons = target.rating <= low.threshold ? low.reasons : [];
    return {
      type: InteractionResponseType.Modal,
      data: {
        custom_id: modalId(row.survey.id, target.rating),
        title: `You chose ${target.rating}★`,
        components: reasons.length ? reasonModal(reasons) : commentOnlyModal(),
      },
    };
  }
  if (interaction.type !== InteractionType.ModalSubmit || !target.modal) {
    return ephemeral('This button is not one of ours any more.');
  }
  const fields = (interaction.data?.components ?? []).flatMap((r) =>
    r.component ? [r.component] : (r.components ?? []),
  );
  const comment = (fields.find((c) => c.custom_id === COMMENT_FIELD)?.value ?? '').trim();
  if (comment.length > MAX_COMMENT_LENGTH || comment.includes('\u0000')) {
    return ephemeral(`The comment can be at most ${MAX_COMMENT_LENGTH} characters.`);
  }
  const reason = fields.find((c) => c.custom_id === REASON_FIELD)?.values?.[0] ?? null;
  try {
    await inTransaction(ctx.db, (tx) =>
      submitSurvey(scopeOf(ctx, tx), row.survey.id, {
        rating: target.rating,
        comment: comment || null,
        reason,
        channel: 'discord',
      }),
    );
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'VALIDATION_ERROR') return ephemeral(`${err.message} Click your rating again.`);
    // Another channel won the race, the deadline passed, or a reopen withdrew it meanwhile.
    const again = await findSurveyInvitation(ctx.db, row.survey.id);
    if (!again) return closed(ctx, row.survey.id, 'withdrawn', null);
    if (again.survey.submittedAt) return closed(ctx, row.survey.id, 'answered', again.survey.rating);
    return closed(ctx, row.survey.id, 'expired', null);
  }
  return {
    type: InteractionResponseType.UpdateMessage,
    data: { content: closedDmContent('answered', target.rating), embeds: [], components: [] },
  };
}

/** Without reasons: the comment in an action row, as Discord has always taken text inputs. */
const commentOnlyModal = () => [
  {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.TextInput,
        custom_id: COMMENT_FIELD,
        style: TextInputStyle.Paragraph,
        label: 'Anything you want to tell us? (optional)',
        required: false,
        max_length: MAX_COMMENT_LENGTH,
      },
    ],
  },
];

/**
 * On a low score with reasons: a string select of the project's reasons (its own words; up to 10,
 * within Discord's 25 options) and the comment, each in a Label, the only way a modal holds a select.
 */
const reasonModal = (reasons: string[]) => [
  {
    type: ComponentType.Label,
    label: 'What went wrong? (optional)',
    component: {
      type: ComponentType.StringSelect,
      custom_id: REASON_FIELD,
      required: false,
      min_values: 0,
      max_values: 1,
      options: reasons.map((r) => ({ label: r, value: r })),
    },
  },
  {
    type: ComponentType.Label,
    label: 'Anything you want to tell us? (optional)',
    component: {
      type: ComponentType.TextInput,
      custom_id: COMMENT_FIELD,
      style: TextInputStyle.Paragraph,
      required: false,
      max_length: MAX_COMMENT_LENGTH,
    },
  },
];

/** The survey is over: the clicker is told which way, and its DM is edited to match (a job). */
async function closed(ctx: AppContext, surveyId: string, state: DmState, rating: number | null) {
  await inTransaction(ctx.db, (tx) =>
    queueSurveyDmEdits(scopeOf(ctx, tx), [{ id: surveyId, rating }], state),
  );
  return ephemeral(closedDmContent(state, rating));
}
