import type { Language } from '../../../shared/i18n';
import type { Permission, TicketPriority, TicketStatus } from '../../../shared/tickets';

export type { Permission, TicketPriority, TicketStatus };

/** Dates arrive as ISO strings. */
type IsoDate = string;

export interface Project {
  id: string;
  name: string;
  key: string;
  role: { id: string; name: string; kind: RoleKind };
  permissions: Permission[];
  abilities: { update: boolean; delete: boolean };
}

export interface Account {
  id: string;
  name: string;
  timezone: string;
  defaultLanguage: Language;
  hasLogo: boolean;
  /** #rrggbb, or null for Clearline's default. */
  brandColor: string | null;
  /** From the account-wide account.manage permission (the account owner), not from project roles. */
  abilities: { update: boolean; viewOutgoingMail: boolean };
}

export interface Me {
  user: { id: string; name: string; email: string; accountRole: 'owner' | 'member' };
  account: Account;
  projects: Project[];
  /** kept: no SMTP server, mails are not delivered (demo mode). */
  mailDelivery: 'kept' | 'smtp';
}

export interface Session {
  id: string;
  createdAt: IsoDate;
  lastSeenAt: IsoDate | null;
  expiresAt: IsoDate;
  userAgent: string | null;
  ipAddress: string | null;
  current: boolean;
}

export interface Person {
  id: string;
  name: string;
}

export interface TicketSummary {
  id: string;
  projectId: string;
  reference: string;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  requester: { id: string; email: string; name: string };
  assignee: Person | null;
  tags: string[];
  closesAt: IsoDate | null;
  resolution: number;
  createdAt: IsoDate;
  updatedAt: IsoDate;
}

export interface Message {
  id: string;
  kind: 'public' | 'internal' | 'system';
  body: string;
  /** Rendered from Markdown by the server, without raw HTML, sanitised. */
  bodyHtml: string;
  author: { type: 'staff' | 'requester'; id: string | null; name: string | null } | null;
  createdAt: IsoDate;
  editedAt: IsoDate | null;
  attachments: Attachment[];
  abilities: { edit: boolean; delete: boolean };
}

/** A file on a message; its bytes are at /api/v1/attachments/{id}. */
export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface Ticket extends TicketSummary {
  watchers: Person[];
  thread: Message[];
  abilities: {
    update: boolean;
    delete: boolean;
    assign: boolean;
    changeStatus: boolean;
    changePriority: boolean;
    reply: boolean;
    addInternalNote: boolean;
  };
}

export type RoleKind = 'owner' | 'admin' | 'staff' | 'custom';

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: { id: string; name: string; kind: RoleKind };
  since: IsoDate;
  abilities: { resetSessions: boolean };
}

export interface Role {
  id: string;
  name: string;
  kind: RoleKind;
  permissions: Permission[];
  abilities: { update: boolean; delete: boolean };
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: IsoDate;
  lastUsedAt: IsoDate | null;
  revokedAt: IsoDate | null;
}

export interface CsatSettings {
  enabled: boolean;
  expiryDays: number;
  invitationText: string;
  /** An answer of this many stars or fewer is a low score (1–4). */
  lowScoreThreshold: number;
  /** The project's own reasons offered on a low score; none by default. */
  lowScoreReasons: string[];
}

export type CsatChannel = 'link' | 'email' | 'portal' | 'discord';

export interface TicketSurvey {
  id: string;
  resolution: number;
  state: 'pending' | 'submitted' | 'expired';
  agent: Person | null;
  createdAt: IsoDate;
  expiresAt: IsoDate;
  submittedAt: IsoDate | null;
  rating: number | null;
  comment: string | null;
  channel: CsatChannel | null;
}

export interface CsatMetrics {
  answers: number;
  average: number | null;
  /** Share of 4s and 5s among answers, 0–1. */
  csatScore: number | null;
  surveysSent: number;
  responseRate: number | null;
}

export interface CsatOverview {
  period: { from: string; to: string; timezone: string; previousFrom: string; previousTo: string };
  current: CsatMetrics;
  previous: CsatMetrics;
  distribution: { rating: number; count: number }[];
  trend: {
    bucket: 'day' | 'week';
    points: { start: string; answers: number; average: number | null; csatScore: number | null }[];
  };
}

export interface CsatAgentRow {
  agent: Person | null;
  answers: number;
  average: number | null;
  csatScore: number | null;
  csatInterval: { low: number; high: number } | null;
  smallSample: boolean;
  trend: { start: string; answers: number; average: number | null }[];
  change: { average: number | null; csatScore: number | null };
  previous: { answers: number; average: number | null; csatScore: number | null };
  surveysSent: number;
  responseRate: number | null;
}

export interface CsatReview {
  surveyId: string;
  rating: number;
  comment: string | null;
  agent: Person | null;
  ticket: { id: string | null; reference: string; subject: string; deleted: boolean };
  requester: { name: string; email: string };
  submittedAt: IsoDate;
  channel: CsatChannel | null;
  reason: string | null;
  /** null: not a low score; doneAt null: it still needs a follow-up. */
  followUp: { doneAt: IsoDate | null; doneBy: Person | null; note: string | null } | null;
}

interface LowScoreCounts {
  lowScores: number;
  open: number;
  medianFollowUpSeconds: number | null;
}

export interface CsatLowScores extends LowScoreCounts {
  reasons: (LowScoreCounts & { reason: string | null })[];
}
