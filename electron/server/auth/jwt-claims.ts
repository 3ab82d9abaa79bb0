/**
 * Reads the claims Attest needs from an access token issued as a JWT (sub, workspace_id, role).
 * The regional backend verifies tokens; the client only reads them to know which workspace and
 * role a token was issued for. An opaque token yields null and the profile is used instead.
 */
import { z } from 'zod';

const claims = z.object({
  sub: z.string().min(1),
  workspace_id: z.string().optional(),
  role: z.string().optional(),
  exp: z.number().optional(),
});
export type AccessTokenClaims = z.infer<typeof claims>;

export function readAccessTokenClaims(token: string): AccessTokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const json: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const parsed = claims.safeParse(json);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
