/** Without an OS keychain the database key lives in memory only (architecture.md §3). */
export const KeychainWarning = () => (
  <p className="notice notice-warning" data-testid="keychain-warning">
    No system keychain: the local copy will not be kept after you quit.
  </p>
);
