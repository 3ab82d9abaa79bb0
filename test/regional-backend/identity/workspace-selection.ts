/**
 * Which workspace an access token is for. Amigo access tokens carry `workspace_id` (and the
 * simulator adds the person's `role` there); the choice is made once per grant and remembered:
 *
 * - authorization and device-authorization requests may carry `workspace_id` (Amigo's device flow
 *   has that form field); without it the consent page offers the person's workspaces, first
 *   membership preselected;
 * - a refresh-token request may carry `workspace_id` to switch the grant to another of the person's
 *   workspaces (Amigo semantics); later refreshes stay on the new one;
 * - a workspace the person does not belong to is refused.
 *
 * The grant → workspace binding lives in the provider's file store, next to the grant itself.
 */
import type { Role } from '../../../shared/amigo';
import { personBySub, workspaceById, type DemoPerson } from '../directory';
import type { FileStore } from './file-store';

export type WorkspaceChoice =
  | { ok: true; workspaceId: string; role: Role }
  /** The person has no membership at all: a "bootstrap" token without workspace_id (§2.2). */
  | { ok: true; workspaceId: undefined; role: undefined }
  | { ok: false; description: string };

export function chooseWorkspace(person: DemoPerson, requested: string | undefined): WorkspaceChoice {
  if (requested === undefined || requested === '') {
    const first = person.memberships[0];
    return first ? { ok: true, ...first } : { ok: true, workspaceId: undefined, role: undefined };
  }
  const workspace = workspaceById(requested);
  if (!workspace) return { ok: false, description: `unknown workspace_id ${requested}` };
  const membership = person.memberships.find((m) => m.workspaceId === requested);
  if (!membership) {
    return {
      ok: false,
      description: `${person.login} is not a member of workspace ${workspace.slug} (${workspace.id})`,
    };
  }
  return { ok: true, workspaceId: membership.workspaceId, role: membership.role };
}

export function roleIn(sub: string, workspaceId: string): Role | undefined {
  return personBySub(sub)?.memberships.find((m) => m.workspaceId === workspaceId)?.role;
}

/** Pseudo-model name in the file store; not an oidc-provider model. */
const BINDING_MODEL = 'AttestWorkspaceBinding';

export class WorkspaceBindings {
  readonly #store: FileStore;
  readonly #ttlSeconds: number;

  constructor(store: FileStore, ttlSeconds: number) {
    this.#store = store;
    this.#ttlSeconds = ttlSeconds;
  }

  bind(grantId: string, workspaceId: string): void {
    // The payload type is oidc-provider's (loose, string-indexed); `workspaceId` is our own field.
    this.#store.put(BINDING_MODEL, grantId, { workspaceId }, this.#ttlSeconds);
  }

  get(grantId: string): string | undefined {
    const value = this.#store.get(BINDING_MODEL, grantId)?.workspaceId;
    return typeof value === 'string' ? value : undefined;
  }
}
