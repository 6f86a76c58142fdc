import { useRequesterDiscord, useResetPortalLink, useSendPortalLink } from '../../api/tickets';
import type { Ticket } from '../../api/types';
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
      <h2 id="requester-portal-title">Requester portal</h2>
      <p>
        <a href={`/portal-preview/${ticket.id}`} target="_blank" rel="noreferrer" id="portal-preview">
          Preview what the requester sees
        </a>
      </p>
      {discord.data && (
        <p id="requester-discord">
          {discord.data.linked
            ? `Discord: linked as ${discord.data.username}.`
            : 'Discord: not linked. The requester can link it on their portal.'}
        </p>
      )}
      {ticket.abilities.update && (
        <>
          <button type="button" id="send-portal-link" disabled={send.isPending} onClick={() => send.mutate()}>
            Send the portal link to {ticket.requester.name}
          </button>
          <button
            type="button"
            className="link-button"
            disabled={reset.isPending}
            onClick={() => {
              if (window.confirm('Replace the portal link? The requester’s current link stops working.'))
                reset.mutate();
            }}
          >
            Replace the link
          </button>
          <FormStatus
            error={send.error ?? reset.error}
            success={
              (send.isSuccess && `The link was sent to ${ticket.requester.email}.`) ||
              (reset.isSuccess && 'The old link no longer works. Send the new one to the requester.')
            }
          />
        </>
      )}
    </section>
  );
}
