/**
 * Launcher options of the session, parsed once for every launcher (browser mode's CLI, the demo
 * starter): the idle lock and per-region API hosts. Bad values are refused with a sentence
 * saying what is allowed, never silently replaced.
 */
import { REGIONS, type Region } from '../../../shared/amigo/regions';

/** Idle lock in whole seconds, 1 s to 24 h (flag or ATTEST_IDLE_LOCK_SECONDS). */
export function parseIdleLockSeconds(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 24 * 60 * 60) {
    throw new Error(`The idle lock must be 1–86400 seconds, got "${raw}".`);
  }
  return value;
}

/** `eu-central-1=https://…` entries: the API host of a region (custom or test deployments). */
export function parseRegionApi(entries: readonly string[]): Partial<Record<Region, string>> {
  const out: Partial<Record<Region, string>> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? '' : entry.slice(0, eq);
    const region = REGIONS.find((r) => r === name);
    if (!region) {
      throw new Error(`--region-api wants REGION=URL with one of ${REGIONS.join(', ')}; got "${entry}".`);
    }
    const url = URL.parse(entry.slice(eq + 1));
    const loopback = url?.protocol === 'http:' && url.hostname === '127.0.0.1';
    if (!url || (url.protocol !== 'https:' && !loopback) || url.username || url.password) {
      throw new Error(`--region-api ${region}: the address must be https (or http on 127.0.0.1).`);
    }
    out[region] = url.origin;
  }
  return out;
}
