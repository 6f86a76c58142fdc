/** Every screen's address, relative to the router's base (/app). */
export const paths = {
  inbox: (projectId: string, search = '') => `/p/${projectId}/inbox${search ? `?${search}` : ''}`,
  ticket: (projectId: string, ticketId: string) => `/p/${projectId}/tickets/${ticketId}`,
  newTicket: (projectId: string) => `/p/${projectId}/new-ticket`,
  csat: (projectId: string) => `/p/${projectId}/csat`,
  trash: (projectId: string) => `/p/${projectId}/trash`,
  settings: (projectId: string, section?: string) =>
    `/p/${projectId}/settings${section ? `/${section}` : ''}`,
  apiTokens: () => '/me/api-tokens',
  notifications: () => '/me/notifications',
  account: () => '/me/account',
  resetPassword: (token: string) => `/reset-password/${token}`,
};

const LAST_PROJECT_KEY = 'clearline.project';

export function rememberProject(projectId: string) {
  try {
    localStorage.setItem(LAST_PROJECT_KEY, projectId);
  } catch {
    // Not remembered: the first project opens next time.
  }
}

export function lastProject(): string | null {
  try {
    return localStorage.getItem(LAST_PROJECT_KEY);
  } catch {
    return null;
  }
}
