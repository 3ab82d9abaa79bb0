/**
 * A tiny hash router: three sections need no dependency. The hash works the same under
 * app://attest/index.html and under the browser-mode origin, and survives a reload.
 */
import { useSyncExternalStore } from 'react';

export const SECTIONS = ['review', 'lineage', 'audit'] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_LABELS: Readonly<Record<Section, string>> = {
  review: 'Review',
  lineage: 'Lineage',
  audit: 'Audit',
};

const DEFAULT_SECTION: Section = 'review';

export const sectionFromHash = (hash: string): Section => {
  const name = /^#\/([a-z-]+)/.exec(hash)?.[1];
  return SECTIONS.find((s) => s === name) ?? DEFAULT_SECTION;
};

export const sectionHref = (section: Section): string => `#/${section}`;

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

export const useSection = (): Section => useSyncExternalStore(subscribe, () => sectionFromHash(window.location.hash));
