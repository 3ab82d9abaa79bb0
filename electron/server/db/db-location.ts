/**
 * Where the database may live (security-bar D-02). WAL needs every connection on one host and
 * a file system with working locks and shared memory: network shares break both, and
 * sync-folder clients (OneDrive, Dropbox, iCloud) copy live files behind SQLite's back, which is
 * "How To Corrupt An SQLite Database File" item one. Such places are refused with a reason.
 */
import { statfsSync } from 'node:fs';
import path from 'node:path';

export type DatabaseLocation =
  { kind: 'local' } | { kind: 'network'; reason: string } | { kind: 'synced'; reason: string };

/** Folder names that sync clients own. Matched per path segment, case-insensitively. */
const SYNCED_SEGMENTS: readonly RegExp[] = [
  /^onedrive( - .*)?$/i,
  /^dropbox( \(.*\))?$/i,
  /^google ?drive$/i,
  /^icloud ?drive$/i,
  /^mobile documents$/i, // macOS iCloud Drive: ~/Library/Mobile Documents
  /^cloudstorage$/i, // macOS File Provider roots: ~/Library/CloudStorage/<provider>
  /^box( sync)?$/i,
];

/** Linux statfs `f_type` magic numbers of network file systems (linux/magic.h). */
const NETWORK_FS_TYPES: ReadonlyMap<number, string> = new Map([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x5346414f, 'AFS'],
  [0x01021997, '9P (e.g. a Windows drive seen from WSL)'],
  [0x00c36400, 'Ceph'],
  [0x564c, 'NCP'],
  [0x73757245, 'Coda'],
]);

/** Classifies a path by its shape alone (pure, so it is tested for every platform). */
export const classifyDatabasePath = (file: string, platform: NodeJS.Platform = process.platform): DatabaseLocation => {
  const isWindows = platform === 'win32';
  const normalized = isWindows ? file.replaceAll('/', '\\') : file;
  if (isWindows) {
    // \\server\share\…, \\?\UNC\server\share\…; but \\?\C:\… and \\.\C:\… are local device paths.
    const unc = /^\\\\(?![?.]\\[A-Za-z]:\\)/.test(normalized);
    if (unc) return { kind: 'network', reason: 'The path is a network share (UNC path).' };
  }
  const segments = (isWindows ? path.win32 : path.posix).normalize(normalized).split(/[\\/]+/);
  const synced = segments.find((s) => SYNCED_SEGMENTS.some((re) => re.test(s)));
  if (synced !== undefined) {
    return { kind: 'synced', reason: `The path is inside a cloud-synced folder ("${synced}").` };
  }
  return { kind: 'local' };
};

/** Adds what the OS knows about the folder's file system (Linux only: statfs magic numbers). */
export const classifyDatabaseLocation = (file: string): DatabaseLocation => {
  const byPath = classifyDatabasePath(file);
  if (byPath.kind !== 'local' || process.platform !== 'linux') return byPath;
  try {
    const type = statfsSync(path.dirname(file)).type;
    const name = NETWORK_FS_TYPES.get(type);
    if (name !== undefined) return { kind: 'network', reason: `The folder is on a network file system (${name}).` };
  } catch {
    // The folder does not exist yet or cannot be inspected: opening will say what is wrong.
  }
  return { kind: 'local' };
};
