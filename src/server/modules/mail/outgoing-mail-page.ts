import { formatUtc } from '../../lib/clock.js';
import { html, type RawHtml, raw, renderPage } from '../../lib/html.js';
import type { MailKind, MailStatus } from './mail.schemas.js';
import type { RenderedMail } from './mail-render.js';

export interface OutgoingMailView {
  id: string;
  kind: MailKind;
  status: MailStatus;
  recipient: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  rendered: RenderedMail | null;
}

const KIND_LABELS: Record<MailKind, string> = {
  agent_reply: 'Reply to a requester',
  survey_invitation: 'Survey invitation',
  sign_in: 'Sign-in link',
  staff_notification: 'Staff notification',
  acknowledgement: 'Acknowledgement of a new ticket',
  portal_link: 'Portal link',
  password_reset: 'Password reset link',
  discord_setup_broken: 'Discord setup broken',
  webhook_disabled: 'Webhook endpoint disabled',
};

const STATUS_LABELS: Record<MailStatus, string> = {
  queued: 'Queued',
  sent: 'Sent',
  failed: 'Failed',
  kept: 'Kept (no SMTP server configured)',
  bounced: 'Bounced',
};

function renderMailArticle(m: OutgoingMailView): RawHtml {
  return html`<article id="mail-${m.id}">
<h2>${m.rendered?.subject ?? KIND_LABELS[m.kind]}</h2>
<dl>
  <dt>To</dt><dd>${m.recipient}</dd>
  <dt>Kind</dt><dd>${KIND_LABELS[m.kind]}</dd>
  <dt>Status</dt><dd class="status-${m.status}">${STATUS_LABELS[m.status]}</dd>
  <dt>Created</dt><dd>${formatUtc(m.createdAt)}</dd>
  ${m.sentAt ? html`<dt>Sent</dt><dd>${formatUtc(m.sentAt)}</dd>` : ''}
  ${m.attempts ? html`<dt>Attempts</dt><dd>${m.attempts}</dd>` : ''}
  ${m.lastError ? html`<dt>Last error</dt><dd>${m.lastError}</dd>` : ''}
</dl>
${
  m.rendered
    ? html`<div class="mail">${raw(m.rendered.bodyHtml)}</div>
<details><summary>Plain-text part</summary><pre>${m.rendered.text}</pre></details>`
    : m.status === 'kept'
      ? html`<p class="muted">This mail can no longer be shown: what it was about is gone.</p>`
      : ''
}
</article>`;
}

/** The account owner's view of outgoing mail: kept mails are shown in full, with links that work. */
export function renderOutgoingMailPage(
  mails: OutgoingMailView[],
  nextCursor: string | null,
  mailDelivery: 'kept' | 'smtp',
): string {
  const keptBanner =
    mailDelivery === 'kept'
      ? html`<p class="banner" role="status"><strong>Mail is not being delivered.</strong> No SMTP server is configured (<code>SMTP_URL</code>): this is a demo mode, and mails wait here instead of reaching anyone.</p>`
      : '';
  return renderPage(
    'Outgoing mail',
    html`<main class="outgoing-mail">
<h1>Outgoing mail</h1>
${keptBanner}
<p class="muted">Every mail of your projects Clearline queued, newest first. Without an SMTP server (<code>SMTP_URL</code>) mails are kept here instead of sent: open their links from this page.</p>
${mails.length ? mails.map(renderMailArticle) : html`<p>No mail yet.</p>`}
${nextCursor ? html`<p><a href="/admin/outgoing-mail?cursor=${encodeURIComponent(nextCursor)}">Older mails</a></p>` : ''}
</main>`,
  );
}

export function renderOutgoingMailError(message: string): string {
  return renderPage(
    'Outgoing mail',
    html`<main class="outgoing-mail"><h1>Outgoing mail</h1><p class="error">${message}</p></main>`,
  );
}
