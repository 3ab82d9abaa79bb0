/**
 * The sign-in and consent steps, as real oidc-provider interactions (interactionDetails /
 * interactionFinished). oidc-provider's devInteractions accept any password, and the demo people
 * have one (DEMO_PASSWORD), so this replaces them with the same URLs and form fields:
 *
 *   GET  /interaction/:uid        the login or consent page, depending on the pending prompt
 *   POST /interaction/:uid        prompt=login: login, password · prompt=consent: workspace_id?
 *   GET  /interaction/:uid/abort  the person declined: access_denied back to the client
 *
 * Workspace rules (workspace-selection.ts) are applied here: a person who is not a member of the
 * requested workspace is refused with access_denied and a description naming the workspace. The
 * consent step always creates a fresh grant (see loadExistingGrant in provider.ts) and binds the
 * chosen workspace to it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { DEMO_PASSWORD, personByLogin, personBySub, workspaceById } from '../directory';
import { consentPage, errorPage, loginPage, PAGE_CSP, type WorkspaceOption } from './pages';
import { chooseWorkspace, type WorkspaceBindings } from './workspace-selection';

export interface InteractionContext {
  provider: Provider;
  bindings: WorkspaceBindings;
  issuerOrigin: string;
}

const ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/abort)?$/;
const MAX_FORM_BYTES = 16 * 1024;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': PAGE_CSP,
    // Not no-referrer: with it browsers send `Origin: null` on the form POST, and we check Origin.
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpError(415, 'expected a form submission');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, 'form too large');
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Constant-time comparison of a typed password with the demo password. */
function passwordMatches(given: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(DEMO_PASSWORD));
}

/** `params` and `prompt.details` are typed `unknown`-valued records by @types/oidc-provider. */
const stringParam = (params: Readonly<Record<string, unknown>>, name: string): string | undefined => {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v): v is string => typeof v === 'string') ? value : undefined;

function resourceScopes(value: unknown): Array<[string, string[]]> {
  if (typeof value !== 'object' || value === null) return [];
  const out: Array<[string, string[]]> = [];
  for (const [resource, scopes] of Object.entries(value)) {
    const list = stringList(scopes);
    if (list) out.push([resource, list]);
  }
  return out;
}

const workspaceOption = (id: string): WorkspaceOption => {
  const w = workspaceById(id);
  return { id, label: w ? `${w.name} (${w.region})` : id };
};

export function createInteractionHandler(context: InteractionContext) {
  const { provider, bindings } = context;

  async function clientName(details: Interaction): Promise<string> {
    const clientId = stringParam(details.params, 'client_id');
    const client = clientId ? await provider.Client.find(clientId) : undefined;
    return client?.clientName ?? clientId ?? 'the application';
  }

  async function refuse(req: IncomingMessage, res: ServerResponse, description: string): Promise<void> {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: description },
      { mergeWithLastSubmission: false },
    );
  }

  async function render(
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    details: Interaction,
    error?: string,
    login?: string,
  ): Promise<void> {
    const action = `/interaction/${uid}`;
    const abortUrl = `/interaction/${uid}/abort`;
    const name = await clientName(details);
    if (details.prompt.name === 'login') {
      sendHtml(
        res,
        error ? 401 : 200,
        loginPage({ action, abortUrl, clientName: name, ...(login ? { login } : {}), ...(error ? { error } : {}) }),
      );
      return;
    }
    if (details.prompt.name === 'consent') {
      const person = details.session ? personBySub(details.session.accountId) : undefined;
      if (!person) return refuse(req, res, 'unknown account');
      const requested = stringParam(details.params, 'workspace_id');
      const choice = chooseWorkspace(person, requested);
      if (!choice.ok) return refuse(req, res, choice.description);
      const scopes = stringParam(details.params, 'scope')?.split(' ') ?? [];
      sendHtml(
        res,
        200,
        consentPage({
          action,
          abortUrl,
          clientName: name,
          personName: `${person.name} (${person.login})`,
          scopes,
          ...(requested && choice.workspaceId ? { pinned: workspaceOption(choice.workspaceId) } : {}),
          options: person.memberships.map((m) => workspaceOption(m.workspaceId)),
        }),
      );
      return;
    }
    throw new HttpError(501, `prompt ${details.prompt.name} is not implemented`);
  }

  async function submitLogin(
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    details: Interaction,
    form: URLSearchParams,
  ): Promise<void> {
    const login = form.get('login')?.trim() ?? '';
    const person = personByLogin(login);
    // Always compare, so a wrong login and a wrong password take the same time and the same answer.
    const passwordOk = passwordMatches(form.get('password') ?? '');
    if (!person || !passwordOk) {
      return render(req, res, uid, details, 'Invalid login or password.', login);
    }
    const choice = chooseWorkspace(person, stringParam(details.params, 'workspace_id'));
    if (!choice.ok) return refuse(req, res, choice.description);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: person.sub } },
      { mergeWithLastSubmission: false },
    );
  }

  async function submitConsent(
    req: IncomingMessage,
    res: ServerResponse,
    details: Interaction,
    form: URLSearchParams,
  ): Promise<void> {
    const accountId = details.session?.accountId;
    const person = accountId ? personBySub(accountId) : undefined;
    const clientId = stringParam(details.params, 'client_id');
    if (!person || !clientId) return refuse(req, res, 'unknown account');
    // A workspace pinned by the request wins over the page's selector.
    const requested = stringParam(details.params, 'workspace_id') ?? (form.get('workspace_id') || undefined);
    const choice = chooseWorkspace(person, requested);
    if (!choice.ok) return refuse(req, res, choice.description);

    // Always a fresh grant: its workspace binding must not leak into an older token family.
    const grant = new provider.Grant({ accountId: person.sub, clientId });
    const { details: missing } = details.prompt;
    const oidcScope = stringList(missing.missingOIDCScope);
    if (oidcScope) grant.addOIDCScope(oidcScope.join(' '));
    const oidcClaims = stringList(missing.missingOIDCClaims);
    if (oidcClaims) grant.addOIDCClaims(oidcClaims);
    for (const [resource, scopes] of resourceScopes(missing.missingResourceScopes)) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    if (choice.workspaceId) bindings.bind(grantId, choice.workspaceId);
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  /** Handles the request when it is an interaction route; returns false otherwise. */
  return async function handleInteraction(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<boolean> {
    const match = ROUTE.exec(pathname);
    if (!match?.[1]) return false;
    const uid = match[1];
    const isAbort = match[2] !== undefined;
    try {
      if (req.method === 'POST') {
        // Same-origin forms only (the interaction cookie is SameSite=Lax as well).
        const origin = req.headers.origin;
        if (origin !== undefined && origin !== context.issuerOrigin)
          throw new HttpError(403, 'cross-origin form submission');
      } else if (req.method !== 'GET') {
        throw new HttpError(405, 'method not allowed');
      }
      let details: Interaction;
      try {
        details = await provider.interactionDetails(req, res);
      } catch {
        throw new HttpError(
          400,
          'This sign-in request has expired or is not for this browser. Start again from the application.',
        );
      }
      if (details.uid !== uid) throw new HttpError(400, 'interaction mismatch');

      if (isAbort) {
        if (req.method !== 'GET') throw new HttpError(405, 'method not allowed');
        await refuse(req, res, 'End-User aborted interaction');
      } else if (req.method === 'GET') {
        await render(req, res, uid, details);
      } else {
        const form = await readForm(req);
        const prompt = form.get('prompt');
        if (prompt !== details.prompt.name) throw new HttpError(400, `expected the ${details.prompt.name} step`);
        if (prompt === 'login') await submitLogin(req, res, uid, details, form);
        else await submitConsent(req, res, details, form);
      }
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof HttpError) {
        sendHtml(res, error.status, errorPage({ error: error.message }));
      } else {
        console.error('identity: interaction failed', error);
        sendHtml(res, 500, errorPage({ error: 'server_error' }));
      }
    }
    return true;
  };
}
