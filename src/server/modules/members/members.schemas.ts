import { z } from 'zod';
import { PERMISSIONS } from '../../../shared/tickets.js';
import { text } from '../../lib/http.js';

export const permissionSchema = z.enum(PERMISSIONS);
export const roleKindSchema = z.enum(['owner', 'admin', 'staff', 'custom']);

export const roleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: roleKindSchema,
  permissions: z.array(permissionSchema),
  abilities: z.object({ update: z.boolean(), delete: z.boolean() }),
});

export const memberSchema = z.object({
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: z.object({ id: z.uuid(), name: z.string(), kind: roleKindSchema }),
  since: z.date(),
  abilities: z.object({
    resetSessions: z.boolean().describe('You may sign this member out everywhere.'),
  }),
});

export const addMemberBody = z.object({
  email: z.email().max(320),
  name: text().trim().min(1).max(200).optional().describe('Required when the person is new to the account.'),
  password: text().min(8).max(1000).optional().describe('Required when the person is new to the account.'),
  roleId: z.uuid(),
});

export const roleBody = z.object({
  name: text().trim().min(1).max(100),
  permissions: z.array(permissionSchema).max(PERMISSIONS.length * 2),
});
