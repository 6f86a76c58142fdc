import type { Scope } from '../app-context.js';

/** Who caused an event: a staff member, the ticket's requester, or the system (a job). */
export type EventActor =
  | { type: 'staff'; userId: string }
  | { type: 'requester'; customerId: string }
  | { type: 'system' };

export interface SurveyRef {
  id: string;
  accountId: string;
  projectId: string;
  /** Null once the ticket was deleted for good (its surveys stay for analytics). */
  ticketId: string | null;
}

/** Domain events, published inside the transaction that caused them. */
export interface DomainEvents {
  'ticket.created': {
    ticketId: string;
    projectId: string;
    accountId: string;
    /** A new ticket has no watchers yet: without an assignee, no staff member is told of it. */
    assigneeId: string | null;
    actor: EventActor;
    /**
     * Whether the requester is mailed the acknowledgement (reference, subject, portal link), if the
     * project's switch is on: set by whoever opens the ticket (never for an automatic mail).
     */
    acknowledge: boolean;
    at: Date;
  };
  'ticket.status_changed': {
    ticketId: string;
    projectId: string;
    accountId: string;
    from: string;
    to: string;
    /** How many times the ticket has entered an eligible status from an active one. */
    resolution: number;
    actor: EventActor;
    at: Date;
  };
  /** A survey was created for a ticket resolution (its invitations go out from here). */
  'csat.survey_created': {
    surveyId: string;
    ticketId: string;
    projectId: string;
    accountId: string;
    at: Date;
  };
  /** Staff asked to send the ticket's portal link to its requester (the mail goes out from here). */
  'portal.link_send_requested': {
    ticketId: string;
    projectId: string;
    accountId: string;
    /** Tells this send from the others of the same ticket. */
    sendId: string;
    at: Date;
  };
  /** A customer asked for a sign-in link and got one (its mail goes out from here). */
  'customer.sign_in_link_created': {
    tokenId: string;
    accountId: string;
    at: Date;
  };
  /** A staff member was notified in the app (its mail goes out from here). */
  'staff_notification.created': {
    notificationId: string;
    ticketId: string;
    projectId: string;
    at: Date;
  };
  /** A staff member asked for a password reset link (the mail goes out from here). */
  'auth.password_reset_requested': {
    resetId: string;
    userId: string;
    at: Date;
  };
  /**
   * Surveys stopped waiting for an answer: answered, or past their deadline (the expiry sweep).
   * Withdrawn surveys are deleted instead, and what hangs on them goes with them.
   */
  'csat.surveys_ended': {
    surveyIds: string[];
    reason: 'answered' | 'expired';
    /** The same surveys, with the answer (null when expired). */
    surveys: (SurveyRef & { rating: number | null; comment: string | null })[];
    at: Date;
  };
  /** A survey was answered at or below its project's threshold: its follow-up is open. */
  'csat.low_score_answered': {
    surveyId: string;
    ticketId: string;
    projectId: string;
    accountId: string;
    /** The staff member credited with the survey, if any. */
    agentId: string | null;
    at: Date;
  };
  /** A reopen withdrew the ticket's unanswered surveys (their rows are deleted). */
  'csat.surveys_withdrawn': {
    surveys: SurveyRef[];
    at: Date;
  };
  /** Discord refused DMs to the survey's customer for good: the invitation goes by mail instead. */
  'discord.invitation_undeliverable': {
    surveyId: string;
    ticketId: string;
    projectId: string;
    accountId: string;
    at: Date;
  };
  /** Discord refused the account's bot token (401): DMs stop until an admin saves the settings again. */
  'discord.setup_broken': {
    accountId: string;
    reason: string;
    at: Date;
  };
  /** Deliveries to a webhook endpoint failed for three days: it was disabled (its owners are told). */
  'webhook.endpoint_disabled': {
    accountId: string;
    endpointId: string;
    url: string;
    failingSince: Date;
    at: Date;
  };
  /** The requester opened the ticket's page: its replies are read. */
  'ticket.read_by_requester': {
    ticketId: string;
    customerId: string;
    at: Date;
  };
  /** A message was added to a ticket's thread (system messages excluded). */
  'message.created': {
    ticketId: string;
    projectId: string;
    accountId: string;
    messageId: string;
    kind: 'public' | 'internal';
    actor: EventActor;
    at: Date;
  };
}

type Handler<K extends keyof DomainEvents> = (s: Scope, event: DomainEvents[K]) => Promise<void>;

/**
 * In-process subscribers run one after another inside the publisher's transaction, so their
 * writes commit or roll back with the change that caused them.
 */
export class EventBus {
  private readonly handlers = new Map<keyof DomainEvents, Handler<never>[]>();

  subscribe<K extends keyof DomainEvents>(name: K, handler: Handler<K>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as Handler<never>);
    this.handlers.set(name, list);
  }

  async publish<K extends keyof DomainEvents>(s: Scope, name: K, event: DomainEvents[K]): Promise<void> {
    for (const handler of (this.handlers.get(name) ?? []) as Handler<K>[]) {
      await handler(s, event);
    }
  }
}
