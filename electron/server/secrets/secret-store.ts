/**
 * Where Attest keeps secrets between runs: the refresh token and each workspace database's key
 * (architecture.md §3–5). The OS keychain through keytar today; keytar is archived upstream, so
 * everything goes through this interface and Electron's safeStorage (or @napi-rs/keyring) can
 * replace it without touching a caller (security-bar C-02).
 */
export interface SecretStore {
  /** `os`: survives restarts, protected by the OS. `memory`: this run only. */
  readonly kind: 'os' | 'memory';
  /** Why the store is what it is, in words the UI can show (set when the keychain was unusable). */
  readonly reason?: string;
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
}

const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;
/** Keychains cap entry sizes (Windows Credential Manager: 2.5 KB of UTF-16). */
export const MAX_SECRET_CHARS = 1200;

/** Account names are ours, never user input: a strict shape keeps them so. */
export const checkAccount = (account: string): string => {
  if (!ACCOUNT.test(account)) throw new SecretStoreError('Secret store: invalid account name.');
  return account;
};

export const checkValue = (value: string): string => {
  // keytar refuses empty values; the memory store refuses them too so both behave alike.
  if (value.length === 0 || value.length > MAX_SECRET_CHARS) {
    throw new SecretStoreError(`Secret store: a value must be 1–${MAX_SECRET_CHARS} characters.`);
  }
  return value;
};
