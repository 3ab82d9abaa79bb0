import { z } from 'zod';

/** Workspace roles, cumulative: each includes the one below (amigo-platform-api.md §2.4). */
export const ROLES = ['viewer', 'operator', 'member', 'admin', 'owner'] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

const rank: Record<Role, number> = { viewer: 0, operator: 1, member: 2, admin: 3, owner: 4 };

export const roleAtLeast = (actual: Role, needed: Role): boolean => rank[actual] >= rank[needed];
/** Review verdicts, claims: operator, member and up (ReviewQueue:Review). */
export const canDecideReviews = (r: Role): boolean => roleAtLeast(r, 'operator');
/** Audit and compliance endpoints: admin and owner only. */
export const canSeeAudit = (r: Role): boolean => roleAtLeast(r, 'admin');
