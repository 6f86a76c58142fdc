import { escapeHtml } from '../../lib/markdown.js';

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Clearline</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { width: 100%; padding: .5rem; font: inherit; box-sizing: border-box; }
  button { margin-top: 1.5rem; padding: .6rem 1.2rem; font: inherit; }
  .error { border: 1px solid #c00; padding: .5rem 1rem; border-radius: 4px; }
</style>
</head>
<body>
${body}
</body>
</html>`;

const field = (name: string, label: string, type: string, value: string, extra = '') =>
  `<label for="${name}">${label}</label><input id="${name}" name="${name}" type="${type}" value="${escapeHtml(value)}" required ${extra}>`;

/** The first-run form; `values` refills it after a refused submission. */
export function renderSetupPage(values: Record<string, string> = {}, error?: string): string {
  return page(
    'Set up',
    `<h1>Welcome to Clearline</h1>
<p>Create your account, its first project and the owner's sign-in.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/setup">
${field('accountName', 'Account name', 'text', values.accountName ?? '', 'autocomplete="organization"')}
${field('projectName', 'First project', 'text', values.projectName ?? '')}
${field('name', 'Your name', 'text', values.name ?? '', 'autocomplete="name"')}
${field('email', 'Email', 'email', values.email ?? '', 'autocomplete="email"')}
${field('password', 'Password (at least 8 characters)', 'password', '', 'minlength="8" autocomplete="new-password"')}
<button type="submit">Create account</button>
</form>`,
  );
}

export function renderReadyPage(accountName: string): string {
  return page(
    'Ready',
    `<h1>${escapeHtml(accountName)} is ready</h1>
<p>Clearline is set up. The REST API is documented at <a href="/api/docs">/api/docs</a>.</p>`,
  );
}
