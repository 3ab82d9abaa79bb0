/**
 * Where a person can sign in, and which API host serves a workspace once they have. A target is
 * the configured server (the demo simulator, a custom deployment started with --backend), one of
 * the four Amigo regions, or a server address typed on the sign-in screen. The identity service
 * lives on the target's own origin unless an issuer was configured (amigo-platform-api.md §2.2).
 */
import { REGION_API_ORIGINS, REGION_LABELS, REGIONS, type Region } from '../../../shared/amigo';
import type { SignInTargetView } from '../../../shared/contract';
import type { ServerOptions } from '../config';
import { IdentityProviderError, parseIssuer } from './oidc-discovery';

export interface SignInTarget extends SignInTargetView {
  /** For a custom target: the address typed, kept to find the target again after a restart. */
  server: string | null;
}

export const CONFIGURED_TARGET_ID = 'configured';
export const CUSTOM_TARGET_ID = 'custom';

const origin = (url: string): string => new URL(url).origin;

export function listTargets(options: ServerOptions): SignInTarget[] {
  const targets: SignInTarget[] = [];
  if (options.backendUrl || options.issuer) {
    const apiUrl = origin(options.backendUrl ?? options.issuer ?? '');
    targets.push({
      id: CONFIGURED_TARGET_ID,
      label: options.demo ? 'Demo backend (synthetic data)' : `This organization's server (${new URL(apiUrl).host})`,
      kind: 'configured',
      apiUrl,
      issuer: (options.issuer ?? apiUrl).replace(/\/$/, ''),
      region: null,
      demo: options.demo ?? false,
      server: null,
    });
  }
  for (const region of REGIONS) {
    const apiUrl = options.regionApiOrigins?.[region] ?? REGION_API_ORIGINS[region];
    targets.push({
      id: region,
      label: `Amigo ${REGION_LABELS[region]}`,
      kind: 'region',
      apiUrl: origin(apiUrl),
      issuer: origin(apiUrl),
      region,
      demo: false,
      server: null,
    });
  }
  return targets;
}

/** A target for an address typed on the sign-in screen (https, or http on loopback only). */
export function customTarget(address: string): SignInTarget {
  let url: URL;
  try {
    url = parseIssuer(address.trim());
  } catch (error) {
    if (error instanceof IdentityProviderError) throw error;
    throw new IdentityProviderError('That server address is not valid. Check it and try again.');
  }
  return {
    id: CUSTOM_TARGET_ID,
    label: url.host,
    kind: 'custom',
    apiUrl: url.origin,
    issuer: url.origin,
    region: null,
    demo: false,
    server: url.origin,
  };
}

/**
 * The API host of a workspace's region for a session signed in at `target`. An explicit per-region
 * host wins; a configured or custom server serves all of its workspaces; an Amigo region target
 * uses the Amigo host of the workspace's own region (which may differ from the target's).
 */
export function apiOriginFor(target: SignInTarget, region: Region, options: ServerOptions): string {
  const override = options.regionApiOrigins?.[region];
  if (override) return origin(override);
  if (target.kind === 'region') return REGION_API_ORIGINS[region];
  return target.apiUrl;
}
