/** The simulator's store: public surface. */
export type { Db } from './db';
export type { Store } from './store';
export { createStore, storeOver } from './store';
export type { BulkLoadOptions, BulkLoadResult, StoreSinkOptions } from './sink';
export { createStoreSink, finalizeLoad, withBulkLoad } from './sink';
