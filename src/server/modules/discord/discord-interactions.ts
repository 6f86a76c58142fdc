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
import { findSurveyInvitation, MAX_COMMENT_LENGTH, submitSurvey } from '../csat/index.js';
import { findTicketSummary } from '../tickets/index.js';
import * as repo from './discord.repo.js';
import { findCustomerIdByDiscordUser } from './discord.service.js';
import { closedDmContent, type DmState, modalId, queueSurveyDmEdits } from './discord-dm.js';

/** Discord signs each interaction; one older than this is a replay. */
const MAX_AGE_SECONDS = 5 * 60;
const COMMENT_FIELD = 'comment';
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

interface Interaction {
  type: number;
  user?: { id: string };
  member?: { user?: { id: string } };
  data?: { custom_id?: string; components?: { components?: { custom_id?: string; value?: string }[] }[] };
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
    return {
      type: InteractionResponseType.Modal,
      data: {
        custom_id: modalId(row.survey.id, target.rating),
        title: `You chose ${target.rating}★`,
        components: [
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
        ],
      },
    };
  }
  if (interaction.type !== InteractionType.ModalSubmit || !target.modal) {
    return ephemeral('This button is not one of ours any more.');
  }
  const field = interaction.data?.components
    ?.flatMap((r) => r.components ?? [])
    .find((c) => c.custom_id === COMMENT_FIELD);
  const comment = (field?.value ?? '').trim();
  if (comment.length > MAX_COMMENT_LENGTH || comment.includes('\u0000')) {
    return ephemeral(`The comment can be at most ${MAX_COMMENT_LENGTH} characters.`);
  }
  try {
    await inTransaction(ctx.db, (tx) =>
      submitSurvey(scopeOf(ctx, tx), row.survey.id, {
        rating: target.rating,
        comment: comment || null,
        channel: 'discord',
      }),
    );
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
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

/** The survey is over: the clicker is told which way, and its DM is edited to match (a job). */
async function closed(ctx: AppContext, surveyId: string, state: DmState, rating: number | null) {
  await inTransaction(ctx.db, (tx) =>
    queueSurveyDmEdits(scopeOf(ctx, tx), [{ id: surveyId, rating }], state),
  );
  return ephemeral(closedDmContent(state, rating));
}
