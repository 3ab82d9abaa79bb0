/**
 * The regional backend simulator: a faithful stand-in for ONE Amigo regional backend (Platform
 * API subset + identity provider + synthetic data + test-only fault injection), for tests,
 * benchmarks and the demo. See README.md.
 *
 *   const backend = await createRegionalBackend({ region: 'us-east-1', dataDir, seed: 7, scale: 'small' });
 *   backend.url      // http://127.0.0.1:PORT — API and identity on one origin
 *   backend.issuer   // the OIDC issuer (the same origin)
 *   await backend.close();
 */
import type { RegionalBackend, RegionalBackendOptions } from './backend';
import { createBackend } from './backend';
import { generateWorkspace, loadDatasetFile } from './generator';
import { API_AUDIENCE, createIdentityProvider, createRemoteVerifier } from './identity';

export type { RegionalBackend, RegionalBackendOptions } from './backend';
export type { FaultRuleInput } from './sim/faults';
export type { RequestLogEntry } from './sim/request-log';

export function createRegionalBackend(opts: RegionalBackendOptions): Promise<RegionalBackend> {
  return createBackend(opts, {
    audience: API_AUDIENCE,
    createIdentityProvider,
    createRemoteVerifier,
    generateWorkspace,
    loadDatasetFile,
  });
}
