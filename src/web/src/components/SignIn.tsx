import { type FormEvent, useState } from 'react';
import { useRequestPasswordReset, useSignIn } from '../api/account';
import { ApiError, describeError } from '../api/client';
import { t } from '../lib/i18n';
import type { Theme } from '../lib/theme';
import { ThemeToggle } from './ThemeToggle';

export function SignIn({ theme, onToggleTheme }: { theme: Theme; onToggleTheme: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [forgot, setForgot] = useState(false);
  const signIn = useSignIn();
  const error = signIn.error;
  const locked =
    error instanceof ApiError && (error.code === 'ACCOUNT_LOCKED' || error.code === 'SIGN_IN_SLOWED');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };

  return (
    <main className="sign-in" id="main">
      <div className="sign-in-theme">
        <ThemeToggle theme={theme} onToggle={onToggleTheme} />
      </div>
      {forgot ? (
        <ForgotPassword email={email} onBack={() => setForgot(false)} />
      ) : (
        <form className="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
          <h1 id="sign-in-title">{t('signIn.title')}</h1>
          {error && (
            <div className={locked ? 'notice notice-error locked' : 'notice notice-error'} role="alert">
              {locked && <strong>{t('signIn.locked')} </strong>}
              {describeError(error)}
            </div>
          )}
          <label htmlFor="email">{t('signIn.email')}</label>
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <label htmlFor="password">{t('signIn.password')}</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="primary" disabled={signIn.isPending}>
            {signIn.isPending ? t('signIn.submitting') : t('signIn.submit')}
          </button>
          <button type="button" className="link-button" onClick={() => setForgot(true)}>
            {t('signIn.forgot')}
          </button>
        </form>
      )}
    </main>
  );
}

/** Asks for a reset link; the answer is the same whether the address is known or not. */
function ForgotPassword({ email: initial, onBack }: { email: string; onBack: () => void }) {
  const [email, setEmail] = useState(initial);
  const request = useRequestPasswordReset();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate(email);
  };

  return (
    <form className="card sign-in-card" onSubmit={submit} aria-labelledby="forgot-title">
      <h1 id="forgot-title">{t('signIn.reset.title')}</h1>
      {request.isSuccess ? (
        <p role="status">
          {request.data.message} {t('signIn.reset.sent')}
        </p>
      ) : (
        <>
          <label htmlFor="forgot-email">{t('signIn.email')}</label>
          <input
            id="forgot-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <button type="submit" className="primary" disabled={request.isPending}>
            {t('signIn.reset.submit')}
          </button>
          {request.error && (
            <div className="notice notice-error" role="alert">
              {describeError(request.error)}
            </div>
          )}
        </>
      )}
      <button type="button" className="link-button" onClick={onBack}>
        {t('signIn.reset.back')}
      </button>
    </form>
  );
}
