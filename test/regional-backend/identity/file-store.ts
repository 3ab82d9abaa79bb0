/**
 * A small file-backed storage adapter for oidc-provider, so grants, refresh tokens and device codes
 * survive a simulator restart (together with the stable keys of signing-keys.ts). All state of one
 * provider lives in memory and is written through to `<dataDir>/oidc-store.json` (mode 0600) after
 * every change, atomically (write a temp file, then rename).
 *
 * Writes are synchronous on purpose: they are a few kilobytes, only token and session operations
 * write, and a synchronous write can never interleave with another one or be lost if the process is
 * killed right after the HTTP response. One data directory belongs to one provider instance.
 *
 * JWT access tokens are never stored (they are self-contained); browser sessions are stored but
 * their cookies are signed with per-instance random keys, so after a restart a browser must sign in
 * again while an app holding a refresh token carries on.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Adapter, AdapterPayload } from 'oidc-provider';

export const STORE_FILE = 'oidc-store.json';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds, or null for "no expiry". */
  expiresAt: number | null;
}

type Collections = Map<string, Map<string, Entry>>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isEntry = (value: unknown): value is Entry =>
  isRecord(value) && isRecord(value.payload) && (value.expiresAt === null || typeof value.expiresAt === 'number');

/** Models whose artefacts belong to a grant and go when the grant is revoked. */
const GRANT_MEMBERS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

export class FileStore {
  readonly #file: string;
  readonly #collections: Collections = new Map();
  #closed = false;

  constructor(dataDir: string) {
    this.#file = path.join(dataDir, STORE_FILE);
    this.#load();
  }

  #load(): void {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed)) throw new Error(`${this.#file}: not a store file; delete it to start empty`);
    for (const [model, entries] of Object.entries(parsed)) {
      if (!isRecord(entries)) continue;
      const collection = new Map<string, Entry>();
      for (const [id, entry] of Object.entries(entries)) {
        // Payloads are whatever oidc-provider handed to upsert() before; we wrote this file ourselves.
        if (isEntry(entry)) collection.set(id, entry);
      }
      this.#collections.set(model, collection);
    }
    this.#prune();
  }

  #prune(): void {
    const now = Date.now();
    for (const collection of this.#collections.values()) {
      for (const [id, entry] of collection) {
        if (entry.expiresAt !== null && entry.expiresAt <= now) collection.delete(id);
      }
    }
  }

  #persist(): void {
    if (this.#closed) return;
    this.#prune();
    const tmp = `${this.#file}.${process.pid}.tmp`;
    const json = Object.fromEntries(
      [...this.#collections].map(([model, entries]) => [model, Object.fromEntries(entries)]),
    );
    writeFileSync(tmp, JSON.stringify(json), { mode: 0o600 });
    renameSync(tmp, this.#file);
  }

  #collection(model: string): Map<string, Entry> {
    let collection = this.#collections.get(model);
    if (!collection) {
      collection = new Map();
      this.#collections.set(model, collection);
    }
    return collection;
  }

  get(model: string, id: string): AdapterPayload | undefined {
    const entry = this.#collections.get(model)?.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) return undefined;
    // A copy, like a database would return: oidc-provider mutates what it finds.
    return structuredClone(entry.payload);
  }

  findBy(model: string, predicate: (payload: AdapterPayload) => boolean): AdapterPayload | undefined {
    const now = Date.now();
    for (const entry of this.#collections.get(model)?.values() ?? []) {
      if ((entry.expiresAt === null || entry.expiresAt > now) && predicate(entry.payload)) {
        return structuredClone(entry.payload);
      }
    }
    return undefined;
  }

  put(model: string, id: string, payload: AdapterPayload, expiresInSeconds: number | undefined): void {
    this.#collection(model).set(id, {
      payload: structuredClone(payload),
      expiresAt: typeof expiresInSeconds === 'number' ? Date.now() + expiresInSeconds * 1000 : null,
    });
    this.#persist();
  }

  update(model: string, id: string, change: (payload: AdapterPayload) => void): void {
    const entry = this.#collections.get(model)?.get(id);
    if (!entry) return;
    change(entry.payload);
    this.#persist();
  }

  delete(model: string, id: string): void {
    if (this.#collections.get(model)?.delete(id)) this.#persist();
  }

  deleteWhere(model: string, predicate: (payload: AdapterPayload) => boolean): void {
    const collection = this.#collections.get(model);
    if (!collection) return;
    let changed = false;
    for (const [id, entry] of collection) {
      if (predicate(entry.payload)) {
        collection.delete(id);
        changed = true;
      }
    }
    if (changed) this.#persist();
  }

  /** After close() the store keeps answering from memory but never writes the file again. */
  close(): void {
    this.#closed = true;
  }

  /** The adapter factory oidc-provider's `adapter` option takes: one adapter per model name. */
  adapterFactory(): (model: string) => Adapter {
    return (model) => new FileAdapter(this, model);
  }
}

class FileAdapter implements Adapter {
  private readonly store: FileStore;
  private readonly model: string;

  constructor(store: FileStore, model: string) {
    this.store = store;
    this.model = model;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.store.put(this.model, id, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.model, id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.store.findBy(this.model, (payload) => payload.userCode === userCode);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.store.findBy(this.model, (payload) => payload.uid === uid);
  }

  async consume(id: string): Promise<void> {
    this.store.update(this.model, id, (payload) => {
      payload.consumed = Math.floor(Date.now() / 1000);
    });
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    if (!GRANT_MEMBERS.has(this.model)) return;
    this.store.deleteWhere(this.model, (payload) => payload.grantId === grantId);
  }
}
