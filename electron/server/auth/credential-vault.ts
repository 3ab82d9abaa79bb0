/**
 * The sign-in secrets in the OS keychain (SecretStore), and nowhere else (security-bar O-35):
 * per (identity provider, person, workspace) a refresh token and the DPoP private key it is bound
 * to; and one "last session" note (who, which workspace, which region: no secret) so the app can
 * carry on after a restart without a new sign-in. Issuers are URLs and subjects can hold any
 * character (`auth0|123`), so each triple is hashed into a safe account name.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { region, role } from '../../../shared/amigo';
import type { SecretStore } from '../secrets/secret-store';
import { readDPoPKey, type DPoPKeyPair } from './dpop-keys';

export interface CredentialKey {
  issuer: string;
  sub: string;
  workspaceId: string;
}

type Kind = 'refresh-token' | 'dpop-key';

export const credentialAccount = (kind: Kind, key: CredentialKey): string =>
  `${kind}:${createHash('sha256').update(`${key.issuer}\n${key.sub}\n${key.workspaceId}`).digest('hex').slice(0, 40)}`;

/**
 * The "last session" note belongs to one data folder: two profiles of the app on one machine (or
 * two test runs) share the keychain, and one must not resume the other's session against a local
 * copy it does not have.
 */
export const lastSessionAccount = (dataDir: string): string =>
  `last-session:${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 40)}`;
const short = z.string().max(200);

/** Enough to reopen the local copy (offline too) and to refresh: never a token. */
export const lastSession = z.object({
  v: z.literal(1),
  issuer: z.string().max(500),
  targetId: z.string().max(64),
  /** The server address for a custom target (its id alone cannot say where it was). */
  server: z.string().max(500).nullable(),
  sub: z.string().max(255),
  userName: short.nullable(),
  email: short.nullable(),
  workspace: z.object({ id: z.string().max(64), name: short, region, role }),
  dpop: z.boolean(),
});
export type LastSession = z.infer<typeof lastSession>;

const trim = (value: string | null, max = 200): string | null => (value === null ? null : value.slice(0, max));

export class CredentialVault {
  readonly #lastSessionAccount: string;

  /** `dataDir`: the folder of the local copies, which the last-session note is scoped to. */
  constructor(
    private readonly secrets: SecretStore,
    dataDir: string,
  ) {
    this.#lastSessionAccount = lastSessionAccount(dataDir);
  }

  refreshToken(key: CredentialKey): Promise<string | null> {
    return this.secrets.get(credentialAccount('refresh-token', key));
  }

  async setRefreshToken(key: CredentialKey, token: string): Promise<void> {
    await this.secrets.set(credentialAccount('refresh-token', key), token);
  }

  /** The stored DPoP key pair, or null when there is none. Throws DPoPKeyError when damaged. */
  async dpopKey(key: CredentialKey): Promise<DPoPKeyPair | null> {
    const stored = await this.secrets.get(credentialAccount('dpop-key', key));
    return stored === null ? null : readDPoPKey(stored);
  }

  async setDPoPKey(key: CredentialKey, stored: string): Promise<void> {
    await this.secrets.set(credentialAccount('dpop-key', key), stored);
  }

  /**
   * Moves a person's credentials to another workspace (the grant was switched there): written
   * under the new name first, then removed under the old one, so a crash in between leaves a
   * usable copy (O-30).
   */
  async move(from: CredentialKey, to: CredentialKey, refreshToken: string | null): Promise<void> {
    const dpop = await this.secrets.get(credentialAccount('dpop-key', from));
    if (dpop !== null) await this.secrets.set(credentialAccount('dpop-key', to), dpop);
    const token = refreshToken ?? (await this.refreshToken(from));
    if (token !== null) await this.setRefreshToken(to, token);
    await this.forget(from);
  }

  /** Deletes the refresh token only (the session is over; the device key may serve the next one). */
  async forgetRefreshToken(key: CredentialKey): Promise<void> {
    await this.secrets.delete(credentialAccount('refresh-token', key));
  }

  async forget(key: CredentialKey): Promise<void> {
    await this.secrets.delete(credentialAccount('refresh-token', key));
    await this.secrets.delete(credentialAccount('dpop-key', key));
  }

  async lastSession(): Promise<LastSession | null> {
    const text = await this.secrets.get(this.#lastSessionAccount);
    if (text === null) return null;
    try {
      const parsed = lastSession.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async setLastSession(session: LastSession): Promise<void> {
    const value: LastSession = {
      ...session,
      userName: trim(session.userName),
      email: trim(session.email),
      workspace: { ...session.workspace, name: session.workspace.name.slice(0, 200) },
    };
    await this.secrets.set(this.#lastSessionAccount, JSON.stringify(value));
  }

  async forgetLastSession(): Promise<void> {
    await this.secrets.delete(this.#lastSessionAccount);
  }
}
