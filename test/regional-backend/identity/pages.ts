/**
 * The identity provider's HTML: sign-in, consent, device-code and error pages. Plain server-rendered
 * forms with inline styles and no third-party resources (oidc-provider's stock pages import Google
 * Fonts, which this machine cannot reach and a compliance demo should not call). Every dynamic value
 * is escaped. Field names match oidc-provider's devInteractions (`login`, `password`, `prompt`) so
 * a driver written for those pages works here too.
 */

export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'";

export const escapeHtml = (value: string): string => value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2330;margin:0;padding:40px 16px}
main{max-width:380px;margin:0 auto;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15);padding:24px 28px}
h1{font-size:1.35em;margin:0 0 4px}p.sub{margin:0 0 18px;color:#5b6475;font-size:.9em}
label{display:block;font-size:.85em;font-weight:600;margin:12px 0 4px}
input[type=text],input[type=password],select{width:100%;box-sizing:border-box;height:40px;padding:0 10px;font-size:1em;border:1px solid #b8bfcc;border-radius:4px}
button{width:100%;height:40px;margin-top:18px;border:0;border-radius:4px;background:#2456c7;color:#fff;font-size:1em;font-weight:600;cursor:pointer}
button.secondary{background:none;color:#5b6475;height:auto;margin-top:10px;font-weight:400;text-decoration:underline}
.error{background:#fdecec;color:#a11b1b;border-radius:4px;padding:8px 10px;font-size:.9em}
.banner{font-size:.75em;color:#8a5a00;background:#fff6e0;border-radius:4px;padding:6px 10px;margin-bottom:16px}
code{font-size:1.6em;letter-spacing:.08em}ul{padding-left:20px}
`;

export function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="banner">Amigo regional backend simulator: demo identity provider, synthetic accounts only.</div>
${body}
</main>
</body>
</html>`;
}

const errorBlock = (error: string | undefined): string =>
  error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';

export function loginPage(input: {
  action: string;
  abortUrl: string;
  clientName: string;
  login?: string;
  error?: string;
}): string {
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p class="sub">to continue to ${escapeHtml(input.clientName)}</p>
${errorBlock(input.error)}
<form method="post" action="${escapeHtml(input.action)}" autocomplete="off">
<input type="hidden" name="prompt" value="login">
<label for="login">Login</label>
<input id="login" type="text" name="login" value="${escapeHtml(input.login ?? '')}" required autofocus>
<label for="password">Password</label>
<input id="password" type="password" name="password" required>
<button type="submit">Sign in</button>
</form>
<form method="get" action="${escapeHtml(input.abortUrl)}"><button class="secondary" type="submit">Cancel</button></form>`,
  );
}

export interface WorkspaceOption {
  id: string;
  label: string;
}

export function consentPage(input: {
  action: string;
  abortUrl: string;
  clientName: string;
  personName: string;
  scopes: readonly string[];
  /** Set when the request pinned a workspace: shown, not selectable. */
  pinned?: WorkspaceOption;
  /** Otherwise the person's workspaces, first one preselected. */
  options: readonly WorkspaceOption[];
}): string {
  const workspace = input.pinned
    ? `<p>Workspace: <strong>${escapeHtml(input.pinned.label)}</strong></p>`
    : input.options.length > 0
      ? `<label for="workspace_id">Workspace</label>
<select id="workspace_id" name="workspace_id">${input.options
          .map(
            (o, i) =>
              `<option value="${escapeHtml(o.id)}"${i === 0 ? ' selected' : ''}>${escapeHtml(o.label)}</option>`,
          )
          .join('')}</select>`
      : '<p>You are not a member of any workspace.</p>';
  return layout(
    'Authorize',
    `<h1>Authorize ${escapeHtml(input.clientName)}</h1>
<p class="sub">Signed in as ${escapeHtml(input.personName)}</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="prompt" value="consent">
${workspace}
<p>${escapeHtml(input.clientName)} asks for:</p>
<ul>${input.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
<button type="submit">Allow</button>
</form>
<form method="get" action="${escapeHtml(input.abortUrl)}"><button class="secondary" type="submit">Deny</button></form>`,
  );
}

/** `form` is oidc-provider's own form markup (hidden xsrf field and the user_code input). */
export function deviceInputPage(form: string, error: string | undefined): string {
  return layout(
    'Connect a device',
    `<h1>Connect a device</h1>
<p class="sub">Enter the code your device shows.</p>
${errorBlock(error)}
${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`,
  );
}

export function deviceConfirmPage(form: string, clientName: string, userCode: string): string {
  return layout(
    'Confirm device',
    `<h1>Confirm device</h1>
<p><strong>${escapeHtml(clientName)}</strong> should show this code:</p>
<p><code>${escapeHtml(userCode)}</code></p>
<p class="sub">If you did not start this, or the code differs, abort.</p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button class="secondary" type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`,
  );
}

export function deviceSuccessPage(clientName: string): string {
  return layout(
    'Device connected',
    `<h1>Device connected</h1><p>${escapeHtml(clientName)} is signed in. You can close this page.</p>`,
  );
}

export function errorPage(fields: Readonly<Record<string, string | undefined>>): string {
  const rows = Object.entries(fields)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: ${escapeHtml(v)}</p>`)
    .join('');
  return layout('Sign-in error', `<h1>Something went wrong</h1><div class="error" role="alert">${rows}</div>`);
}

export function logoutPage(form: string, host: string): string {
  return layout(
    'Sign out',
    `<h1>Sign out of ${escapeHtml(host)}?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button class="secondary" type="submit" form="op.logoutForm">No, stay signed in</button>`,
  );
}

export function logoutSuccessPage(): string {
  return layout('Signed out', '<h1>Signed out</h1><p>You can close this page.</p>');
}
