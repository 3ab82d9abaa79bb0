/**
 * Picks the secret store for this run: the OS keychain if a write-read-delete round trip through
 * it works within a short time, else memory with the reason the UI shows ("Secrets are kept for
 * this session only: …"). The probe matters on Linux, where a missing or locked Secret Service
 * can fail late, or hang.
 */
import { randomBytes } from 'node:crypto';
import { KeytarSecretStore, loadKeytar, withTimeout, type KeytarApi } from './keytar-secret-store';
import { MemorySecretStore } from './memory-secret-store';
import type { SecretStore } from './secret-store';

export const DEFAULT_PROBE_TIMEOUT_MS = 4000;

export interface OpenSecretStoreOptions {
  /** Keychain service name; 'Attest' by default (tests use their own). */
  service?: string;
  /** Skip the keychain: tests, or a policy that forbids persistent secrets. */
  forceMemory?: boolean;
  probeTimeoutMs?: number;
  /** Injected keytar (tests of the fallback paths). */
  keytar?: KeytarApi;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : 'unknown error');

export const openSecretStore = async (options: OpenSecretStoreOptions = {}): Promise<SecretStore> => {
  if (options.forceMemory === true) return new MemorySecretStore('The OS keychain is turned off for this run.');
  const timeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let keytar: KeytarApi;
  try {
    keytar = options.keytar ?? (await loadKeytar());
  } catch (error) {
    return new MemorySecretStore(`No OS keychain: ${describe(error)}`);
  }
  // The probe's own calls are bounded by the probe timeout; the store handed out gets the longer
  // per-operation bound (a later call may legitimately wait on an unlock prompt).
  const probe = new KeytarSecretStore(keytar, { service: options.service, timeoutMs });
  const account = `probe:${randomBytes(8).toString('hex')}`;
  const value = randomBytes(16).toString('base64url');
  try {
    await withTimeout(
      (async () => {
        await probe.set(account, value);
        const read = await probe.get(account);
        if (read !== value) throw new Error('the keychain did not return what was stored');
      })(),
      timeoutMs,
      'probe',
    );
  } catch (error) {
    // Best effort: a half-finished probe should not leave an entry behind.
    void probe.delete(account).catch(() => undefined);
    return new MemorySecretStore(`The OS keychain is not usable (${describe(error)}).`);
  }
  try {
    await probe.delete(account);
  } catch {
    // The keychain works; a leftover probe entry holds nothing secret.
  }
  return new KeytarSecretStore(keytar, { service: options.service });
};
