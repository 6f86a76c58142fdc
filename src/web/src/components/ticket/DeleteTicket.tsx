import { useLocation } from 'wouter';
import { useDeleteTicket } from '../../api/tickets';
import { paths } from '../../lib/paths';
import { useProject } from '../../lib/session';
import { FormStatus } from '../FormStatus';

/** Moves the ticket to the trash (restorable for 30 days), then back to the inbox. */
export function DeleteTicket({ ticketId }: { ticketId: string }) {
  const project = useProject();
  const [, navigate] = useLocation();
  const remove = useDeleteTicket(ticketId, project.id);
  return (
    <section className="panel" aria-label="Delete">
      <button
        type="button"
        className="link-button"
        disabled={remove.isPending}
        onClick={() => {
          if (window.confirm('Move this ticket to the trash? It can be restored for 30 days.'))
            remove.mutate(undefined, { onSuccess: () => navigate(paths.inbox(project.id)) });
        }}
      >
        Move to the trash
      </button>
      <FormStatus error={remove.error} />
    </section>
  );
}
