import { can, type Member } from '../members/index.js';

type TicketLike = { assigneeId: string | null };
type MessageLike = { kind: 'public' | 'internal' | 'system'; authorUserId: string | null };

/** Without tickets.view_all a member sees only the tickets assigned to them. */
export const canSeeTicket = (member: Member, ticket: TicketLike): boolean =>
  can(member, 'tickets.view_all') || ticket.assigneeId === member.userId;

export const ticketAbilities = (member: Member) => ({
  update: can(member, 'tickets.update'),
  delete: can(member, 'tickets.delete'),
  assign: can(member, 'tickets.assign'),
  changeStatus: can(member, 'tickets.change_status'),
  changePriority: can(member, 'tickets.change_priority'),
  reply: can(member, 'messages.create'),
  addInternalNote: can(member, 'messages.create_internal'),
});

const isOwn = (member: Member, message: MessageLike) => message.authorUserId === member.userId;

/** Staff edit their own replies and notes; nobody edits system messages or requesters' words. */
export const canEditMessage = (member: Member, message: MessageLike): boolean =>
  message.kind !== 'system' && isOwn(member, message) && can(member, 'messages.edit_own');

export const canDeleteMessage = (member: Member, message: MessageLike): boolean =>
  message.kind !== 'system' &&
  (can(member, 'messages.delete_any') || (isOwn(member, message) && can(member, 'messages.delete_own')));

export const messageAbilities = (member: Member, message: MessageLike) => ({
  edit: canEditMessage(member, message),
  delete: canDeleteMessage(member, message),
});
