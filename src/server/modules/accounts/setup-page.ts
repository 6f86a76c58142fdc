import { html, renderPage } from '../../lib/html.js';

const field = (name: string, label: string, type: string, value: string, autocomplete: string) =>
  html`<label for="${name}">${label}</label><input id="${name}" name="${name}" type="${type}" value="${value}" required autocomplete="${autocomplete}">`;

/** The first-run form; `values` refills it after a refused submission. */
export function renderSetupPage(values: Record<string, string> = {}, error?: string): string {
  return renderPage(
    'Set up',
    html`<main><h1>Welcome to Clearline</h1>
<p>Create your account, its first project and the owner's sign-in.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/setup">
${field('accountName', 'Account name', 'text', values.accountName ?? '', 'organization')}
${field('projectName', 'First project', 'text', values.projectName ?? '', 'off')}
${field('name', 'Your name', 'text', values.name ?? '', 'name')}
${field('email', 'Email', 'email', values.email ?? '', 'email')}
${field('password', 'Password (at least 8 characters)', 'password', '', 'new-password')}
<button type="submit">Create account</button>
</form></main>`,
  );
}
