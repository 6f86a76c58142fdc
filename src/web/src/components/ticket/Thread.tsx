import type { Attachment, Message } from '../../api/types';
import { formatDateTime, formatSize } from '../../lib/format';
import { t } from '../../lib/i18n';

function authorName(m: Message) {
  if (!m.author) return t('thread.system');
  return m.author.name ?? (m.author.type === 'requester' ? t('thread.requester') : t('thread.staff'));
}

/** The server renders Markdown without raw HTML and sanitises it: this HTML is safe to insert. */
const MessageBody = ({ html }: { html: string }) => (
  // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised server-side (src/server/lib/markdown.ts).
  <div className="message-body" dangerouslySetInnerHTML={{ __html: html }} />
);

const FileList = ({ files }: { files: Attachment[] }) =>
  files.length === 0 ? null : (
    <ul className="message-files" aria-label={t('thread.files')}>
      {files.map((f) => (
        <li key={f.id}>
          <a href={`/api/v1/attachments/${f.id}`}>{f.filename}</a>{' '}
          <span className="muted">({formatSize(f.size)})</span>
        </li>
      ))}
    </ul>
  );

/**
 * The conversation in order. Internal notes carry a written "Internal note" label and a distinct
 * frame and colour, so they never read as something the requester saw.
 */
export function Thread({ messages }: { messages: Message[] }) {
  return (
    <section aria-labelledby="thread-title" className="thread">
      <h2 id="thread-title" className="visually-hidden">
        {t('thread.title')}
      </h2>
      <ol className="messages">
        {messages.map((m) =>
          m.kind === 'system' ? (
            <li key={m.id} className="message message-system">
              <MessageBody html={m.bodyHtml} />
              <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
            </li>
          ) : (
            <li
              key={m.id}
              className={`message message-${m.kind} from-${m.author?.type ?? 'system'}`}
              data-kind={m.kind}
            >
              <div className="message-head">
                {m.kind === 'internal' && <span className="note-label">{t('thread.internalNote')}</span>}
                <strong>{authorName(m)}</strong>
                {m.author?.type === 'requester' && (
                  <span className="muted"> {t('thread.requesterMark')}</span>
                )}
                <time dateTime={m.createdAt} className="muted">
                  {formatDateTime(m.createdAt)}
                  {m.editedAt && ` · ${t('thread.edited')}`}
                </time>
              </div>
              <MessageBody html={m.bodyHtml} />
              <FileList files={m.attachments} />
            </li>
          ),
        )}
      </ol>
    </section>
  );
}
