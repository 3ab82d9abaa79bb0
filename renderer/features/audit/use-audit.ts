/** The audit store from the app's stores context, read through a selector (architecture.md §6.13). */
import { useContext } from 'react';
import { useStore } from 'zustand';
import { StoresContext } from '../../stores/stores-context';
import type { AuditState, AuditStore } from './audit-store';

export const useAuditStore = (): AuditStore => {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('StoresContext is missing: render inside <StoresContext value={stores}>.');
  return stores.audit;
};

export const useAudit = <T>(select: (state: AuditState) => T): T => useStore(useAuditStore(), select);
