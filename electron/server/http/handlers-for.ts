/**
 * Handlers for a subset of the contract's routes: each module (session, review, sync…) exports
 * `HandlersFor<'its' | 'routes'>`, and the server entry spreads them into one `Handlers<Routes>`,
 * which `createRouter` checks covers every route.
 */
import type { RouteName, Routes } from '../../../shared/contract';
import type { Handlers } from './router';

export type HandlersFor<N extends RouteName> = Pick<Handlers<Routes>, N>;
