/**
 * One random 256-bit key per (region, workspace) database, created on first use and kept in the
 * secret store (base64url text: keychains store strings). The key is handed out as a fresh Buffer
 * the caller zeroes after keying the database (openEncryptedDatabase does).
 */
import { randomBytes } from 'node:crypto';
import { region as regionSchema, type Region } from '../../../shared/amigo/regions';
import { KEY_BYTES } from '../db/connection';
import { SecretStoreError, type SecretStore } from './secret-store';

const WORKSPACE_ID = /^[A-Za-z0-9-]{1,64}$/;

export const databaseKeyAccount = (region: Region, workspaceId: string): string => {
  if (!regionSchema.safeParse(region).success) throw new SecretStoreError('databaseKey: unknown region.');
  if (!WORKSPACE_ID.test(workspaceId)) throw new SecretStoreError('databaseKey: invalid workspace id.');
  return `db-key:${region}:${workspaceId}`;
};

/**
 * Two concurrent first calls must not each create a key (the second would overwrite the first and
 * strand a database keyed with it): calls for one account share a single flight.
 */
const inFlight = new WeakMap<SecretStore, Map<string, Promise<string>>>();

const storedKeyText = async (store: SecretStore, account: string): Promise<string> => {
  let flights = inFlight.get(store);
  if (!flights) {
    flights = new Map();
    inFlight.set(store, flights);
  }
  const running = flights.get(account);
  if (running) return running;
  const flight = (async () => {
    const existing = await store.get(account);
    if (existing !== null) return existing;
    const fresh = randomBytes(KEY_BYTES);
    const text = fresh.toString('base64url');
    fresh.fill(0);
    await store.set(account, text);
    return text;
  })();
  flights.set(account, flight);
  try {
    return await flight;
  } finally {
    flights.delete(account);
  }
};

/**
 * The database key for a workspace. Throws SecretStoreError when the stored entry is not a
 * 256-bit key: it is never silently replaced, because the caller must decide what happens to a
 * database that key opened (keep the file, re-sync, tell the user about unsent work: C-05).
 */
export const databaseKeyFor = async (store: SecretStore, region: Region, workspaceId: string): Promise<Buffer> => {
  const text = await storedKeyText(store, databaseKeyAccount(region, workspaceId));
  const key = /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    key.fill(0);
    throw new SecretStoreError('The stored database key for this workspace is damaged.');
  }
  return key;
};

/** Forgets a workspace's key (its database becomes unreadable: delete the file too). */
export const forgetDatabaseKey = async (store: SecretStore, region: Region, workspaceId: string): Promise<boolean> =>
  store.delete(databaseKeyAccount(region, workspaceId));
