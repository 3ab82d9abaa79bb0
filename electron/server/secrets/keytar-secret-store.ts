/**
 * The OS keychain through keytar: macOS Keychain, Windows Credential Manager, libsecret (Secret
 * Service: GNOME Keyring, KWallet) on Linux. keytar is an optional native dependency, so it is
 * loaded with a dynamic import at run time and a missing or broken build is a clear error.
 */
import { checkAccount, checkValue, SecretStoreError, type SecretStore } from './secret-store';

/** The part of keytar Attest uses. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export const DEFAULT_SERVICE = 'Attest';
/**
 * A keychain call normally answers in milliseconds, but may wait on the user (an unlock prompt):
 * bounded so a wedged daemon cannot hang a request forever.
 */
export const DEFAULT_OPERATION_TIMEOUT_MS = 60_000;

const isKeytarApi = (value: unknown): value is KeytarApi =>
  typeof value === 'object' &&
  value !== null &&
  'getPassword' in value &&
  typeof value.getPassword === 'function' &&
  'setPassword' in value &&
  typeof value.setPassword === 'function' &&
  'deletePassword' in value &&
  typeof value.deletePassword === 'function';

/** Loads keytar; throws SecretStoreError when it is not installed or not built for this runtime. */
export const loadKeytar = async (): Promise<KeytarApi> => {
  // A variable specifier: bundlers leave the native module to be loaded at run time, and the
  // type checker does not require the optional package's types to exist.
  const specifier = 'keytar';
  let loaded: unknown;
  try {
    loaded = await import(specifier);
  } catch (error) {
    throw new SecretStoreError('The OS keychain module (keytar) is not available in this build.', { cause: error });
  }
  // CommonJS through import(): the API is on `default`, sometimes also on the namespace.
  const candidate = typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : loaded;
  if (isKeytarApi(candidate)) return candidate;
  if (isKeytarApi(loaded)) return loaded;
  throw new SecretStoreError('The OS keychain module (keytar) loaded without its API.');
};

/** Rejects after `ms`; the underlying call keeps running on libuv's pool, its answer ignored. */
export const withTimeout = async <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SecretStoreError(`The OS keychain did not answer (${what}) within ${ms} ms.`)),
      ms,
    );
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

export class KeytarSecretStore implements SecretStore {
  readonly kind = 'os' as const;
  readonly #keytar: KeytarApi;
  readonly #service: string;
  readonly #timeoutMs: number;

  constructor(keytar: KeytarApi, options: { service?: string; timeoutMs?: number } = {}) {
    this.#keytar = keytar;
    this.#service = options.service ?? DEFAULT_SERVICE;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  }

  static async load(options: { service?: string; timeoutMs?: number } = {}): Promise<KeytarSecretStore> {
    return new KeytarSecretStore(await loadKeytar(), options);
  }

  get service(): string {
    return this.#service;
  }

  async get(account: string): Promise<string | null> {
    return withTimeout(this.#keytar.getPassword(this.#service, checkAccount(account)), this.#timeoutMs, 'read');
  }

  async set(account: string, value: string): Promise<void> {
    await withTimeout(
      this.#keytar.setPassword(this.#service, checkAccount(account), checkValue(value)),
      this.#timeoutMs,
      'write',
    );
  }

  async delete(account: string): Promise<boolean> {
    return withTimeout(this.#keytar.deletePassword(this.#service, checkAccount(account)), this.#timeoutMs, 'delete');
  }
}
