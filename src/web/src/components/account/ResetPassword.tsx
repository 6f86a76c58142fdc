import { type FormEvent, useState } from 'react';
import { useResetPassword } from '../../api/account';
import { t, tNodes } from '../../lib/i18n';
import { FormStatus } from '../FormStatus';

/** The page a reset link opens (signed in or not): choose a new password, then sign in with it. */
export function ResetPassword({ token }: { token: string }) {
  const reset = useResetPassword();
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    reset.mutate({ token, password });
  };

  return (
    <main className="sign-in" id="main">
      <form className="card sign-in-card" onSubmit={submit} aria-labelledby="reset-title">
        <h1 id="reset-title">{t('resetPassword.title')}</h1>
        {reset.isSuccess ? (
          <p role="status">
            {tNodes('resetPassword.done', { signIn: <a href="/app/">{t('resetPassword.signIn')}</a> })}
          </p>
        ) : (
          <>
            <label htmlFor="reset-password">{t('resetPassword.password')}</label>
            <input
              id="reset-password"
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              maxLength={1000}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <button type="submit" className="primary" disabled={reset.isPending}>
              {t('resetPassword.submit')}
            </button>
            <FormStatus error={reset.error} />
          </>
        )}
      </form>
    </main>
  );
}
