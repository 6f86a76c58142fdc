import { createContext, useContext } from 'react';
import type { Me, Project } from '../api/types';

export const SessionContext = createContext<Me | null>(null);
export const ProjectContext = createContext<Project | null>(null);

/** The signed-in person; only rendered below the sign-in gate. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside the signed-in app');
  return me;
}

/** The project on screen, with the permissions the API returned for it. */
export function useProject(): Project {
  const project = useContext(ProjectContext);
  if (!project) throw new Error('useProject outside a project route');
  return project;
}
