/**
 * Sign-in through the system browser (RFC 8252): authorization code with PKCE S256, state and
 * nonce, and a loopback redirect on 127.0.0.1 with an ephemeral port (loopback-listener.ts).
 * openid-client checks state, the RFC 9207 `iss` of the answer, the code exchange (a replayed
 * code or a wrong verifier is refused by the provider) and the ID token (issuer, audience,
 * nonce, expiry).
 *
 * `silentFirst` (unlocking after the idle lock): first ask with `prompt=none`, which succeeds
 * without a page when the provider's own browser session allows it; when the provider answers
 * that a person must interact, the browser is sent straight on to an interactive sign-in
 * (`prompt=login`: a fresh authentication, security-bar O-21).
 */
import * as oidc from 'openid-client';
import { SIGN_IN_SCOPE } from '../config';
import { startLoopbackListener, type CallbackAnswer, type LoopbackListener } from './loopback-listener';
import type { IdentityProvider } from './oidc-discovery';

/** Errors with which a `prompt=none` request says a person has to take part (OIDC Core §3.1.2.6). */
const NEEDS_INTERACTION = new Set([
  'login_required',
  'consent_required',
  'interaction_required',
  'account_selection_required',
]);

export interface BrowserSignInOptions {
  provider: IdentityProvider;
  dpop: oidc.DPoPHandle | undefined;
  /** Pins the workspace at the provider (Amigo's `workspace_id` authorization parameter). */
  workspaceId?: string | undefined;
  silentFirst?: boolean;
  /** The code exchange succeeded: set up the session (its failure is reported like any other). */
  onTokens(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<void>;
  onFailure(message: string): void;
  /** What the browser sees once the callback is handled (back to the app, or "return to Attest"). */
  answer(): CallbackAnswer;
  timeoutMs?: number;
}

export interface BrowserSignIn {
  /** The authorization URL to open in the browser. */
  url: string;
  cancel(): void;
}

export async function startBrowserSignIn(options: BrowserSignInOptions): Promise<BrowserSignIn> {
  if (!options.provider.browser) {
    throw new Error(
      'This sign-in server does not offer sign-in through the browser. Use "Sign in with a code" instead.',
    );
  }
  let current: LoopbackListener | null = null;
  let cancelled = false;

  const attempt = async (silent: boolean): Promise<string> => {
    const { config } = options.provider;
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const listener = await startLoopbackListener({
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      onCallback: async (url) => {
        try {
          const tokens = await oidc.authorizationCodeGrant(
            config,
            url,
            { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
            undefined,
            options.dpop ? { DPoP: options.dpop } : undefined,
          );
          await options.onTokens(tokens);
        } catch (error) {
          // openid-client validated state and issuer before reading the error: this answer is ours.
          if (
            silent &&
            !cancelled &&
            error instanceof oidc.AuthorizationResponseError &&
            NEEDS_INTERACTION.has(error.error)
          ) {
            const next = await attempt(false);
            return { status: 302, headers: { location: next, 'content-type': 'text/plain; charset=utf-8' }, body: '' };
          }
          options.onFailure(describeSignInError(error));
        }
        return options.answer();
      },
    });
    current = listener;
    listener.done.catch((error: unknown) => {
      if (current === listener && !cancelled) options.onFailure(describeSignInError(error));
    });
    const dpopJkt = options.dpop ? await options.dpop.calculateThumbprint() : undefined;
    return oidc
      .buildAuthorizationUrl(config, {
        redirect_uri: listener.redirectUri,
        scope: SIGN_IN_SCOPE,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        // Refresh tokens are issued only after explicit consent (offline_access). A silent
        // unlock keeps the refresh token it has; the interactive one re-authenticates.
        prompt: silent ? 'none' : options.silentFirst ? 'login consent' : 'consent',
        ...(dpopJkt ? { dpop_jkt: dpopJkt } : {}),
        ...(options.workspaceId ? { workspace_id: options.workspaceId } : {}),
      })
      .toString();
  };

  const url = await attempt(options.silentFirst === true);
  return {
    url,
    cancel: () => {
      cancelled = true;
      current?.close();
    },
  };
}

export function describeSignInError(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) {
    if (error.error === 'access_denied') {
      return `Sign-in was cancelled or refused at the identity provider${error.error_description ? ` (${error.error_description})` : ''}. Try again, or ask your administrator for access.`;
    }
    return `The identity provider refused the sign-in (${error.error}${error.error_description ? `: ${error.error_description}` : ''}). Try again.`;
  }
  if (error instanceof oidc.ResponseBodyError) {
    if (error.error === 'invalid_grant') {
      const why = error.error_description ? ` (${error.error_description})` : '';
      return `Sign-in was refused: the sign-in answer was already used, expired, or does not belong to this attempt${why}. Start the sign-in again.`;
    }
    return `The identity provider refused the sign-in (${error.error}${error.error_description ? `: ${error.error_description}` : ''}). Try again.`;
  }
  if (error instanceof oidc.ClientError) {
    const code = error.code ?? '';
    // openid-client's own message is generic; the precise one is on its cause.
    const said = `${error.message} ${error.cause instanceof Error ? error.cause.message : ''}`;
    if (/"state"/i.test(said)) {
      return 'Sign-in was refused: the answer from the browser does not belong to this sign-in attempt. Start the sign-in again.';
    }
    if (/"iss"|issuer/i.test(said)) {
      return 'Sign-in was refused: the answer came from a different identity provider than the one Attest asked. Start the sign-in again, and tell your administrator if this repeats.';
    }
    if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' || /nonce/i.test(said)) {
      return 'Sign-in was refused: the identity token does not match this sign-in attempt. Start the sign-in again.';
    }
    return `Sign-in failed: ${error.message}. Start the sign-in again.`;
  }
  if (error instanceof TypeError) {
    return 'Could not reach the identity provider to finish signing in. Check your connection and try again.';
  }
  return error instanceof Error ? error.message : 'Sign-in failed. Try again.';
}
