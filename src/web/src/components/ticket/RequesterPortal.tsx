import { useRequesterDiscord, useResetPortalLink, useSendPortalLink } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { t } from '../../lib/i18n';
import { FormStatus } from '../FormStatus';

/**
 * The requester's portal, from the staff side: a read-only preview of what they see, and (with the
 * ticket's update ability) sending them their link or replacing it. The link itself is their secret:
 * staff never see it.
 */
export function RequesterPortal({ ticket }: { ticket: Ticket }) {
  const send = useSendPortalLink(ticket.id);
  const reset = useResetPortalLink(ticket.id);
  const discord = useRequesterDiscord(ticket.id);
  return (
    <section aria-labelledby="requester-portal-title" className="panel">
      <h2 id="requester-portal-title">{t('ticket.portal.title')}</h2>
      <p>
        <a href={`/portal-preview/${ticket.id}`} target="_blank" rel="noreferrer" id="portal-preview">
          {t('ticket.portal.preview')}
        </a>
      </p>
      {discord.data && (
        <p id="requester-discord">
          {discord.data.linked
            ? t('ticket.portal.discordLinked', { username: discord.data.username ?? '' })
            : t('ticket.portal.discordNotLinked')}
        </p>
      )}
      {ticket.abilities.update && (
        <>
          <button type="button" id="send-portal-link" disabled={send.isPending} onClick={() => send.mutate()}>
            {t('ticket.portal.send', { name: ticket.requester.name })}
          </button>
          <button
            type="button"
            className="link-button"
            disabled={reset.isPending}
            onClick={() => {
              if (window.confirm(t('ticket.portal.replaceConfirm'))) reset.mutate();
            }}
          >
            {t('ticket.portal.replace')}
          </button>
          <FormStatus
            error={send.error ?? reset.error}
            success={
              (send.isSuccess && t('ticket.portal.sent', { email: ticket.requester.email })) ||
              (reset.isSuccess && t('ticket.portal.replaced'))
            }
          />
        </>
      )}
    </section>
  );
}
