import { t } from '../lib/i18n';
import type { Theme } from '../lib/theme';

/** One button; its name says what it does next, its pressed state what is on now. */
export function ThemeToggle({ theme, onToggle }: { theme: Theme; onToggle: () => void }) {
  return (
    <button type="button" className="theme-toggle" aria-pressed={theme === 'dark'} onClick={onToggle}>
      <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span> {t('shell.darkTheme')}
    </button>
  );
}
