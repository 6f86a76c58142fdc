import { useLocation } from 'wouter';
import { useDeleteTicket } from '../../api/tickets';
import { t } from '../../lib/i18n';
import { paths } from '../../lib/paths';
import { useProject } from '../../lib/session';
import { FormStatus } from '../FormStatus';

/** Moves the ticket to the trash (restorable for 30 days), then back to the inbox. */
export function DeleteTicket({ ticketId }: { ticketId: string }) {
  const project = useProject();
  const [, navigate] = useLocation();
  const remove = useDeleteTicket(ticketId, project.id);
  return (
    <section className="panel" aria-label={t('ticket.delete.section')}>
      <button
        type="button"
        className="link-button"
        disabled={remove.isPending}
        onClick={() => {
          if (window.confirm(t('ticket.delete.confirm')))
            remove.mutate(undefined, { onSuccess: () => navigate(paths.inbox(project.id)) });
        }}
      >
        {t('ticket.delete.submit')}
      </button>
      <FormStatus error={remove.error} />
    </section>
  );
}
