/**
 * Secrets for this run only, when no OS keychain is reachable (or in tests). Nothing is written
 * anywhere: after exit the refresh token is gone (sign in again) and so is each database key,
 * which makes the local copy unreadable; it is pulled again on the next launch (architecture.md §3).
 */
import { checkAccount, checkValue, type SecretStore } from './secret-store';

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  readonly reason: string | undefined;
  readonly #entries = new Map<string, string>();

  constructor(reason?: string) {
    this.reason = reason;
  }

  async get(account: string): Promise<string | null> {
    return this.#entries.get(checkAccount(account)) ?? null;
  }

  async set(account: string, value: string): Promise<void> {
    this.#entries.set(checkAccount(account), checkValue(value));
  }

  async delete(account: string): Promise<boolean> {
    return this.#entries.delete(checkAccount(account));
  }
}
