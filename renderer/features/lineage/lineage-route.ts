/**
 * The lineage section's own part of the hash: `#/lineage/entity/<id>` opens an entity. The app's
 * router only reads the section name, so an entity link survives a reload (and works offline).
 */
import { useSyncExternalStore } from 'react';

const ENTITY_HASH = /^#\/lineage\/entity\/([^/?#]+)$/;

export const entityIdFromHash = (hash: string): string | null => {
  const encoded = ENTITY_HASH.exec(hash)?.[1];
  if (encoded === undefined) return null;
  try {
    const id = decodeURIComponent(encoded);
    return id.length > 0 && id.length <= 200 ? id : null;
  } catch {
    return null;
  }
};

export const entityHref = (entityId: string): string => `#/lineage/entity/${encodeURIComponent(entityId)}`;
export const LINEAGE_HOME = '#/lineage';

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

export const useLineageEntityId = (): string | null =>
  useSyncExternalStore(subscribe, () => entityIdFromHash(window.location.hash));
