/** The lineage store from the app's stores context, read through a selector (architecture.md §6.13). */
import { useContext } from 'react';
import { useStore } from 'zustand';
import { StoresContext } from '../../stores/stores-context';
import type { LineageState, LineageStore } from './lineage-store';

export const useLineageStore = (): LineageStore => {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('StoresContext is missing: render inside <StoresContext value={stores}>.');
  return stores.lineage;
};

export const useLineage = <T>(select: (state: LineageState) => T): T => useStore(useLineageStore(), select);
