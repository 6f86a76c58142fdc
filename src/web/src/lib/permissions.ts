import type { Permission, Project } from '../api/types';

/**
 * Reads the permissions the API returned for this project; the UI never derives them from role
 * names. The server enforces every one of them anyway.
 */
export const has = (project: Project | undefined, permission: Permission): boolean =>
  project?.permissions.includes(permission) ?? false;

export const SETTINGS_PERMISSIONS: Permission[] = [
  'settings.manage',
  'members.manage',
  'roles.manage',
  'csat.manage',
];

export const canOpenSettings = (project: Project | undefined): boolean =>
  SETTINGS_PERMISSIONS.some((p) => has(project, p));
