import type { AppContext, Scope } from '../../app-context.js';
import { attachmentStorage, openAttachment } from '../attachments/index.js';
import { recordInvitationSent } from '../csat/index.js';
import type { DeliveryChannel, DeliveryRow, SendResult } from '../delivery/index.js';
import { type RenderEnv, renderMail } from './mail-render.js';
import { describeSmtpFailure, isPermanentSmtpFailure, sendThroughSmtp } from './mail-transport.js';

export const renderEnv = (ctx: AppContext): RenderEnv => ({
  config: ctx.config,
  links: ctx.links,
  now: ctx.clock.now(),
});

/**
 * Mail as a delivery channel: kept when no SMTP server is configured, rendered now (links signed
 * again), and sent; the SMTP server's answer decides between sent, retry (4xx, connection
 * problems) and failed (5xx). The Message-ID derives from the delivery's id, so a mail sent again
 * after a lost record carries the same one.
 */
export const mailChannel: DeliveryChannel = {
  name: 'mail',
  async send(ctx: AppContext, delivery: DeliveryRow, signal: AbortSignal): Promise<SendResult> {
    const smtpUrl = ctx.config.smtpUrl;
    if (!smtpUrl) return { outcome: 'kept' };
    const rendered = await renderMail(ctx.db, renderEnv(ctx), delivery);
    if ('gone' in rendered || rendered.mail.obsolete) {
      const reason = 'gone' in rendered ? rendered.gone : rendered.mail.obsolete;
      return { outcome: 'failed', error: `Not sent: ${reason}` };
    }
    const storage = attachmentStorage(ctx.config);
    const contents = rendered.mail.files.map((f) => openAttachment(ctx.db, storage, f));
    try {
      await sendThroughSmtp(
        smtpUrl,
        { from: ctx.config.mailFrom, to: delivery.recipient },
        rendered.mail,
        contents,
        signal,
      );
    } catch (err) {
      const error = describeSmtpFailure(err);
      return isPermanentSmtpFailure(err) ? { outcome: 'failed', error } : { outcome: 'retry', error };
    } finally {
      for (const content of contents) content.destroy();
    }
    return { outcome: 'sent', externalId: rendered.mail.headers.messageId };
  },
  async onSent(s: Scope, delivery: DeliveryRow) {
    if (delivery.kind !== 'survey_invitation') return;
    await recordInvitationSent(s, (delivery.cause as { surveyId: string }).surveyId, 'email');
  },
};
