/**
 * Secret stores: memory, the fallback decision, database keys, and (with ATTEST_TEST_KEYCHAIN=1,
 * as `npm test` sets inside a private D-Bus session with an unlocked gnome-keyring) the real OS
 * keychain through keytar.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseKeyAccount, databaseKeyFor, forgetDatabaseKey } from '../../../electron/server/secrets/database-key';
import { KeytarSecretStore, type KeytarApi } from '../../../electron/server/secrets/keytar-secret-store';
import { MemorySecretStore } from '../../../electron/server/secrets/memory-secret-store';
import { openSecretStore } from '../../../electron/server/secrets/open-secret-store';
import { SecretStoreError, type SecretStore } from '../../../electron/server/secrets/secret-store';

/** A keytar stand-in over a Map, with a switch to make it fail or hang. */
const fakeKeytar = (mode: 'ok' | 'fail' | 'hang' | 'lossy' = 'ok'): KeytarApi & { entries: Map<string, string> } => {
  const entries = new Map<string, string>();
  const act = async <T>(fn: () => T): Promise<T> => {
    if (mode === 'fail') throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
    if (mode === 'hang') return new Promise<T>(() => undefined);
    return fn();
  };
  return {
    entries,
    getPassword: (s, a) => act(() => (mode === 'lossy' ? null : (entries.get(`${s}/${a}`) ?? null))),
    setPassword: (s, a, p) => act(() => void entries.set(`${s}/${a}`, p)),
    deletePassword: (s, a) => act(() => entries.delete(`${s}/${a}`)),
  };
};

describe('MemorySecretStore', () => {
  it('keeps values for this run only', async () => {
    const store = new MemorySecretStore();
    expect(store.kind).toBe('memory');
    expect(await store.get('refresh-token:us-east-1')).toBeNull();
    await store.set('refresh-token:us-east-1', 'rt-1');
    expect(await store.get('refresh-token:us-east-1')).toBe('rt-1');
    expect(await store.delete('refresh-token:us-east-1')).toBe(true);
    expect(await store.delete('refresh-token:us-east-1')).toBe(false);
    expect(await store.get('refresh-token:us-east-1')).toBeNull();
  });

  it('refuses odd account names and empty or huge values', async () => {
    const store = new MemorySecretStore();
    await expect(store.set('', 'x')).rejects.toBeInstanceOf(SecretStoreError);
    await expect(store.set('a b', 'x')).rejects.toBeInstanceOf(SecretStoreError);
    await expect(store.set('ok', '')).rejects.toBeInstanceOf(SecretStoreError);
    await expect(store.set('ok', 'x'.repeat(5000))).rejects.toBeInstanceOf(SecretStoreError);
  });
});

describe('openSecretStore', () => {
  it('uses memory when told to, with a reason', async () => {
    const store = await openSecretStore({ forceMemory: true });
    expect(store.kind).toBe('memory');
    expect(store.reason).toMatch(/turned off/);
  });

  it('uses the keychain when the probe round trip works, and leaves no probe entry', async () => {
    const keytar = fakeKeytar('ok');
    const store = await openSecretStore({ keytar, service: 'Attest-test' });
    expect(store.kind).toBe('os');
    expect(keytar.entries.size).toBe(0);
    await store.set('a', 'b');
    expect(keytar.entries.get('Attest-test/a')).toBe('b');
  });

  it('falls back to memory when the keychain fails, loses data, or hangs', async () => {
    const failing = await openSecretStore({ keytar: fakeKeytar('fail') });
    expect(failing.kind).toBe('memory');
    expect(failing.reason).toMatch(/not usable.*D-Bus/);

    const lossy = await openSecretStore({ keytar: fakeKeytar('lossy') });
    expect(lossy.kind).toBe('memory');
    expect(lossy.reason).toMatch(/did not return/);

    const started = Date.now();
    const hanging = await openSecretStore({ keytar: fakeKeytar('hang'), probeTimeoutMs: 200 });
    expect(hanging.kind).toBe('memory');
    expect(hanging.reason).toMatch(/did not answer/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('databaseKeyFor', () => {
  it('creates one random 256-bit key per (region, workspace) and answers it again', async () => {
    const store = new MemorySecretStore();
    const ws = randomUUID();
    const first = await databaseKeyFor(store, 'eu-central-1', ws);
    expect(first.length).toBe(32);
    const again = await databaseKeyFor(store, 'eu-central-1', ws);
    expect(again.equals(first)).toBe(true);
    expect(again).not.toBe(first); // a fresh Buffer each time: the caller zeroes its own
    expect((await databaseKeyFor(store, 'ca-central-1', ws)).equals(first)).toBe(false);
    expect((await databaseKeyFor(store, 'eu-central-1', randomUUID())).equals(first)).toBe(false);
    expect(await store.get(`db-key:eu-central-1:${ws}`)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('creates a single key when first asked twice at once', async () => {
    const store = new MemorySecretStore();
    const ws = randomUUID();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => databaseKeyFor(store, 'us-east-1', ws)));
    expect(a?.equals(b ?? Buffer.alloc(0))).toBe(true);
    expect(a?.equals(c ?? Buffer.alloc(0))).toBe(true);
  });

  it('refuses a damaged stored key instead of replacing it', async () => {
    const store = new MemorySecretStore();
    const ws = randomUUID();
    await store.set(databaseKeyAccount('us-east-1', ws), 'c2hvcnQ');
    await expect(databaseKeyFor(store, 'us-east-1', ws)).rejects.toThrow(/damaged/);
    expect(await store.get(databaseKeyAccount('us-east-1', ws))).toBe('c2hvcnQ');
    expect(await forgetDatabaseKey(store, 'us-east-1', ws)).toBe(true);
    expect((await databaseKeyFor(store, 'us-east-1', ws)).length).toBe(32);
  });

  it('refuses account parts that are not a region and a workspace id', () => {
    expect(() => databaseKeyAccount('mars-1' as 'us-east-1', randomUUID())).toThrow(/region/);
    expect(() => databaseKeyAccount('us-east-1', '../../etc')).toThrow(/workspace/);
  });
});

const realKeychain = process.env.ATTEST_TEST_KEYCHAIN === '1';
if (!realKeychain) {
  console.info(
    '[secret-store.test] The real OS keychain test is skipped: ATTEST_TEST_KEYCHAIN is not 1. `npm test` runs it ' +
      'inside dbus-run-session with an unlocked gnome-keyring; by hand: dbus-run-session -- bash -c ' +
      "'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; ATTEST_TEST_KEYCHAIN=1 npx vitest run test/server/secrets'",
  );
}

describe.skipIf(!realKeychain)('KeytarSecretStore against the real Secret Service', () => {
  // A service name of its own, so the test never touches a real 'Attest' entry.
  const service = `Attest-test-${randomBytes(6).toString('hex')}`;
  const created: { store: SecretStore; account: string }[] = [];

  afterAll(async () => {
    for (const { store, account } of created) await store.delete(account).catch(() => false);
  });

  it('is chosen by openSecretStore and round-trips a secret', async () => {
    const store = await openSecretStore({ service });
    expect(store.reason).toBeUndefined();
    expect(store.kind).toBe('os');
    const account = `refresh-token:${randomUUID()}`;
    created.push({ store, account });
    expect(await store.get(account)).toBeNull();
    await store.set(account, 'rt-über-✓');
    expect(await store.get(account)).toBe('rt-über-✓');
    await store.set(account, 'rt-2');
    expect(await store.get(account)).toBe('rt-2');
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeNull();
    expect(await store.delete(account)).toBe(false);
  });

  it('keeps a database key across store instances (as across launches)', async () => {
    const ws = randomUUID();
    const first = await KeytarSecretStore.load({ service });
    created.push({ store: first, account: databaseKeyAccount('us-east-1', ws) });
    const key = await databaseKeyFor(first, 'us-east-1', ws);
    const second = await KeytarSecretStore.load({ service });
    expect((await databaseKeyFor(second, 'us-east-1', ws)).equals(key)).toBe(true);
    expect(await forgetDatabaseKey(second, 'us-east-1', ws)).toBe(true);
  });
});
