import { Component, type ReactNode } from 'react';
import { t } from '../lib/i18n';

interface State {
  error: Error | null;
}

/** A screen that throws while rendering shows a message and a way out instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <section className="notice notice-error" role="alert">
        <h1>{t('app.screenFailed')}</h1>
        <p>{this.state.error.message}</p>
        <button type="button" onClick={() => window.location.reload()}>
          {t('app.reload')}
        </button>
      </section>
    );
  }
}
