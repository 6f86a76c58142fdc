import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { PRIORITIES } from '../../../../shared/tickets';
import { describeError } from '../../api/client';
import { useMembers } from '../../api/settings';
import { type CustomerMatch, useCreateTicket, useCustomerSearch } from '../../api/tickets';
import type { TicketPriority } from '../../api/types';
import { PRIORITY_LABELS } from '../../lib/format';
import { t } from '../../lib/i18n';
import { paths } from '../../lib/paths';
import { has } from '../../lib/permissions';
import { useProject } from '../../lib/session';
import { FormStatus } from '../FormStatus';

/**
 * Staff open a ticket for a requester: an existing customer found by the start of their email or
 * name, or a new email and name. The message is the requester's first; files go with it.
 */
export function NewTicket() {
  const project = useProject();
  const [, navigate] = useLocation();
  const create = useCreateTicket(project.id);
  const canAssign = has(project, 'tickets.assign');
  const [search, setSearch] = useState('');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState<TicketPriority>('normal');
  const [assigneeId, setAssigneeId] = useState('');
  const [notifyRequester, setNotifyRequester] = useState(true);
  const [files, setFiles] = useState<File[]>([]);

  const pick = (customer: CustomerMatch) => {
    setEmail(customer.email);
    setName(customer.name);
    setSearch('');
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        requester: { email: email.trim(), name: name.trim() },
        subject,
        body,
        priority,
        assigneeId: assigneeId || null,
        notifyRequester,
        files,
      },
      { onSuccess: (ticket) => navigate(paths.ticket(project.id, ticket.id)) },
    );
  };

  return (
    <section aria-labelledby="new-ticket-title">
      <h1 id="new-ticket-title">{t('newTicket.title')}</h1>
      <form className="card form" onSubmit={submit}>
        <fieldset>
          <legend>{t('newTicket.requester')}</legend>
          <CustomerSearch projectId={project.id} value={search} onChange={setSearch} onPick={pick} />
          <label htmlFor="new-ticket-email">{t('newTicket.email')}</label>
          <input
            id="new-ticket-email"
            type="email"
            required
            maxLength={320}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <label htmlFor="new-ticket-name">{t('newTicket.name')}</label>
          <input
            id="new-ticket-name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </fieldset>
        <label htmlFor="new-ticket-subject">{t('newTicket.subject')}</label>
        <input
          id="new-ticket-subject"
          required
          maxLength={300}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
        />
        <label htmlFor="new-ticket-body">{t('newTicket.body')}</label>
        <textarea
          id="new-ticket-body"
          rows={6}
          required
          maxLength={10000}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <label htmlFor="new-ticket-files">{t('newTicket.files')}</label>
        <input
          id="new-ticket-files"
          type="file"
          multiple
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
        />
        <label htmlFor="new-ticket-priority">{t('newTicket.priority')}</label>
        <select
          id="new-ticket-priority"
          value={priority}
          onChange={(e) => setPriority(e.target.value as TicketPriority)}
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABELS[p]}
            </option>
          ))}
        </select>
        {canAssign && <AssigneeSelect projectId={project.id} value={assigneeId} onChange={setAssigneeId} />}
        <label className="checkbox">
          <input
            id="new-ticket-notify"
            type="checkbox"
            checked={notifyRequester}
            onChange={(e) => setNotifyRequester(e.target.checked)}
          />{' '}
          {t('newTicket.notify')}
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('newTicket.submit')}
        </button>
        <FormStatus error={create.error} />
      </form>
    </section>
  );
}

function CustomerSearch(props: {
  projectId: string;
  value: string;
  onChange: (q: string) => void;
  onPick: (c: CustomerMatch) => void;
}) {
  const found = useCustomerSearch(props.projectId, props.value);
  const matches = props.value.trim() ? (found.data?.customers ?? []) : [];
  return (
    <>
      <label htmlFor="new-ticket-search">{t('newTicket.search')}</label>
      <input
        id="new-ticket-search"
        type="search"
        autoComplete="off"
        maxLength={200}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {found.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(found.error)}
        </p>
      )}
      {matches.length > 0 && (
        <ul className="customer-matches" aria-label={t('newTicket.matches')}>
          {matches.map((c) => (
            <li key={c.id}>
              <button type="button" onClick={() => props.onPick(c)}>
                {c.name} &lt;{c.email}&gt;
              </button>
            </li>
          ))}
        </ul>
      )}
      {props.value.trim() && found.isSuccess && matches.length === 0 && (
        <p className="muted">{t('newTicket.noMatch')}</p>
      )}
    </>
  );
}

function AssigneeSelect(props: { projectId: string; value: string; onChange: (id: string) => void }) {
  const members = useMembers(props.projectId);
  return (
    <>
      <label htmlFor="new-ticket-assignee">{t('newTicket.assignee')}</label>
      <select id="new-ticket-assignee" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{t('common.unassigned')}</option>
        {members.data?.members.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.name}
          </option>
        ))}
      </select>
    </>
  );
}
