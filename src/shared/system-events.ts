import { z } from 'zod';
import type { MessageKey, Translate } from './i18n/index.js';
import { STATUSES } from './tickets.js';

/** Who changed a ticket's status, as its system message names them. */
const statusChangeBySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('staff'), name: z.string() }),
  z.object({ kind: z.literal('requester') }),
  z.object({ kind: z.literal('requester_reply') }),
  z.object({ kind: z.literal('requester_request') }),
  z.object({ kind: z.literal('scheduled_closure') }),
]);
export type StatusChangedBy = z.infer<typeof statusChangeBySchema>;

/**
 * What a system message says, stored beside its English text (messages.system_event) so each
 * reader can have it in their own language.
 */
export const systemEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('status_changed'),
    from: z.enum(STATUSES),
    to: z.enum(STATUSES),
    by: statusChangeBySchema,
    closesAt: z.iso.datetime().optional(),
  }),
  /** This ticket follows up `ref`, closed when the requester wrote again. */
  z.object({ type: z.literal('follow_up_created'), ref: z.string() }),
  /** The requester wrote again on this closed ticket; `ref` continues it. */
  z.object({ type: z.literal('continued_in'), ref: z.string() }),
]);
export type SystemEvent = z.infer<typeof systemEventSchema>;

/** A stored event as one this code knows, or null (older rows have none; fall back to their text). */
export const readSystemEvent = (stored: unknown): SystemEvent | null =>
  stored == null ? null : (systemEventSchema.safeParse(stored).data ?? null);

const BY_KEYS: Record<StatusChangedBy['kind'], MessageKey> = {
  staff: 'system.statusChanged.staff',
  requester: 'system.statusChanged.requester',
  requester_reply: 'system.statusChanged.requesterReply',
  requester_request: 'system.statusChanged.requesterRequest',
  scheduled_closure: 'system.statusChanged.scheduledClosure',
};

/**
 * The sentence of a system message in t's language. A scheduled closure's time is written by
 * `closing` (the stored text has it in UTC, a portal page in the reader's locale and zone).
 */
export function describeSystemEvent(
  t: Translate,
  event: SystemEvent,
  closing: (closesAt: Date) => string,
): string {
  switch (event.type) {
    case 'status_changed':
      return t(BY_KEYS[event.by.kind], {
        from: t(`status.${event.from}`),
        to: t(`status.${event.to}`),
        name: event.by.kind === 'staff' ? event.by.name : '',
        closing: event.closesAt ? closing(new Date(event.closesAt)) : '',
      });
    case 'follow_up_created':
      return t('system.followUpOf', { ref: event.ref });
    case 'continued_in':
      return t('system.continuedIn', { ref: event.ref });
  }
}
