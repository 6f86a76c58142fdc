import { type FormEvent, useState } from 'react';
import { MAX_MESSAGE_LENGTH } from '../../../../shared/tickets';
import { describeError } from '../../api/client';
import { usePostMessage } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { t } from '../../lib/i18n';

type Mode = 'reply' | 'note';

/** Public reply or internal note: the mode changes the frame, the wording and the button. */
export function Composer({ ticket }: { ticket: Ticket }) {
  const { reply: canReply, addInternalNote: canNote } = ticket.abilities;
  const [mode, setMode] = useState<Mode>(canReply ? 'reply' : 'note');
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  // A new key empties the file input after a send (its value cannot be set).
  const [fileInputKey, setFileInputKey] = useState(0);
  const post = usePostMessage(ticket.id);

  if (!canReply && !canNote) return null;
  const isNote = mode === 'note';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    post.mutate(
      { body, internal: isNote, files },
      {
        onSuccess: () => {
          setBody('');
          setFiles([]);
          setFileInputKey((k) => k + 1);
        },
      },
    );
  };

  return (
    <form className={`composer ${isNote ? 'composer-note' : 'composer-reply'}`} onSubmit={submit}>
      <h2 className="visually-hidden">{t('composer.title')}</h2>
      {canReply && canNote && (
        <fieldset className="composer-mode">
          <legend className="visually-hidden">{t('composer.mode')}</legend>
          <label>
            <input type="radio" name="mode" checked={!isNote} onChange={() => setMode('reply')} />{' '}
            {t('composer.mode.reply')}
          </label>
          <label>
            <input type="radio" name="mode" checked={isNote} onChange={() => setMode('note')} />{' '}
            {t('composer.mode.note')}
          </label>
        </fieldset>
      )}
      <label htmlFor="composer-body">
        {isNote ? t('composer.body.note') : t('composer.body.reply', { name: ticket.requester.name })}
      </label>
      <textarea
        id="composer-body"
        rows={5}
        maxLength={MAX_MESSAGE_LENGTH}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        required
      />
      <label htmlFor="composer-files">{isNote ? t('composer.files.note') : t('composer.files')}</label>
      <input
        key={fileInputKey}
        id="composer-files"
        type="file"
        multiple
        onChange={(e) => setFiles([...(e.target.files ?? [])])}
      />
      <div className="composer-foot">
        <span className="muted">
          {t('composer.length', {
            length: body.length.toLocaleString(),
            max: MAX_MESSAGE_LENGTH.toLocaleString(),
          })}
        </span>
        <button type="submit" className="primary" disabled={post.isPending || body.trim() === ''}>
          {isNote ? t('composer.submit.note') : t('composer.submit.reply')}
        </button>
      </div>
      {post.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(post.error)}
        </p>
      )}
    </form>
  );
}
