import { type FormEvent, useState } from 'react';
import { useRequestPasswordReset, useSignIn } from '../api/account';
import { ApiError, describeError } from '../api/client';
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
          <h1 id="sign-in-title">Sign in to Clearline</h1>
          {error && (
            <div className={locked ? 'notice notice-error locked' : 'notice notice-error'} role="alert">
              {locked && <strong>Sign-in is locked for now. </strong>}
              {describeError(error)}
            </div>
          )}
          <label htmlFor="email">Email</label>
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <label htmlFor="password">Password</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="primary" disabled={signIn.isPending}>
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </button>
          <button type="button" className="link-button" onClick={() => setForgot(true)}>
            Forgot password?
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
      <h1 id="forgot-title">Reset your password</h1>
      {request.isSuccess ? (
        <p role="status">{request.data.message} It works once, for 30 minutes.</p>
      ) : (
        <>
          <label htmlFor="forgot-email">Email</label>
          <input
            id="forgot-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <button type="submit" className="primary" disabled={request.isPending}>
            Send a reset link
          </button>
          {request.error && (
            <div className="notice notice-error" role="alert">
              {describeError(request.error)}
            </div>
          )}
        </>
      )}
      <button type="button" className="link-button" onClick={onBack}>
        Back to sign-in
      </button>
    </form>
  );
}
