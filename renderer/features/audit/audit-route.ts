/**
 * The audit section's own part of the hash: `#/audit/<view>` picks a view, so a report link
 * survives a reload. The app's router only reads the section name.
 */
import { useSyncExternalStore } from 'react';

export const AUDIT_VIEWS = [
  'events',
  'patient',
  'person',
  'entity',
  'summary',
  'compliance',
  'backend-export',
] as const;
export type AuditView = (typeof AUDIT_VIEWS)[number];

export const AUDIT_VIEW_LABELS: Readonly<Record<AuditView, string>> = {
  events: 'Audit events',
  patient: 'Patient access',
  person: 'Person access',
  entity: 'Entity access log',
  summary: 'Summary',
  compliance: 'Compliance',
  'backend-export': 'Backend export',
};

export const auditViewFromHash = (hash: string): AuditView => {
  const name = /^#\/audit\/([a-z-]+)/.exec(hash)?.[1];
  return AUDIT_VIEWS.find((v) => v === name) ?? 'events';
};

export const auditViewHref = (view: AuditView): string => `#/audit/${view}`;

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

export const useAuditView = (): AuditView =>
  useSyncExternalStore(subscribe, () => auditViewFromHash(window.location.hash));
