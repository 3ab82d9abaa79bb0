/** Workspaces, the caller's identity and memberships (api.md §2). */
import { z } from 'zod';
import { isoDateTime, paginated, uuid } from './common';
import { role } from './roles';

export const workspace = z.object({
  id: uuid,
  slug: z.string(),
  name: z.string(),
  environment: z.string(),
  backend_org_id: z.string().nullable(),
  /** Free string in the spec; Attest checks it against the known regions where it pins a host. */
  region: z.string(),
  connector_type: z.string().nullable(),
  provisioned_at: isoDateTime.nullable(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
});
export type Workspace = z.infer<typeof workspace>;
export const workspacePage = paginated(workspace);

export const authInfo = z.object({
  key_id: z.string(),
  name: z.string().nullable(),
  workspace_id: uuid,
  expires_at: isoDateTime,
  expires_in_seconds: z.number().int(),
});
export type AuthInfo = z.infer<typeof authInfo>;

/**
 * `GET /self/profile` (identity service, not in the OpenAPI). `role` and `name` are optional in
 * the SDK; `region` is not documented and optional here: when absent, the client asks
 * `GET /v1/workspaces/{id}` for it.
 */
export const selfProfile = z.object({
  sub: z.string().optional(),
  email: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  workspaces: z.array(
    z.object({
      workspace_id: uuid,
      role: role.optional(),
      name: z.string().nullable().optional(),
      region: z.string().optional(),
    }),
  ),
});
export type SelfProfile = z.infer<typeof selfProfile>;
