/**
 * The single gate in front of `shell.openExternal` (security-bar E-15). Everything that wants a
 * URL opened in the system browser (the IPC channel, window.open, link navigation) comes through
 * here; the actual shell call is injected by index.ts so this stays testable.
 */
import { normalizeAllowedExternalUrl, type ExternalUrlAllowlist } from './trusted-url';

export interface ExternalOpenerDeps {
  allowlist: () => ExternalUrlAllowlist;
  /** Receives only the normalized href of an allowlisted URL. */
  open: (href: string) => Promise<void>;
  log?: (message: string) => void;
}

export type ExternalOpener = (url: unknown) => Promise<boolean>;

export function createExternalOpener(deps: ExternalOpenerDeps): ExternalOpener {
  const log = deps.log ?? ((message: string) => console.warn(`[open-external] ${message}`));
  return async (url) => {
    const href = normalizeAllowedExternalUrl(url, deps.allowlist());
    if (href === null) {
      // No URL in the log: a refused URL may have come from data on screen.
      log('refused to open a URL that is not on the allowlist');
      return false;
    }
    try {
      await deps.open(href);
      return true;
    } catch {
      log('the system browser could not be opened');
      return false;
    }
  };
}
