/** Workspaces, calls, retention policy, audit exports, role overrides and loader bookkeeping. */
import type { DatasetRecord } from '../dataset';
import type { Db } from './db';
import type { JsonObject } from './values';
import { parseObject } from './values';

export interface ExportRow {
  export_id: string;
  workspace_id: string;
  s3_key: string;
  file_name: string;
  row_count: number;
  size: number;
  created_ms: number;
}

export function createSettingsStore(db: Db) {
  const putWorkspaceStmt = db.prepare(`INSERT OR REPLACE INTO workspaces (id, raw) VALUES (?, ?)`);
  const workspaceStmt = db.prepare<[string], { raw: string }>(`SELECT raw FROM workspaces WHERE id = ?`);
  const putCallStmt = db.prepare(
    `INSERT INTO calls (id, workspace_id, call_sid, raw) VALUES (?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET workspace_id = excluded.workspace_id, call_sid = excluded.call_sid, raw = excluded.raw`,
  );
  const callStmt = db.prepare<[string, string, string, string], { raw: string }>(
    `SELECT raw FROM calls WHERE workspace_id = ? AND (id = ? OR (call_sid = ? AND ? <> '')) LIMIT 1`,
  );
  const putRetentionStmt = db.prepare(`INSERT OR REPLACE INTO retention (workspace_id, raw) VALUES (?, ?)`);
  const retentionStmt = db.prepare<[string], { raw: string }>(`SELECT raw FROM retention WHERE workspace_id = ?`);
  const putExportStmt = db.prepare(
    `INSERT INTO audit_exports (export_id, workspace_id, s3_key, file_name, row_count, size, created_ms)
     VALUES (@export_id, @workspace_id, @s3_key, @file_name, @row_count, @size, @created_ms)`,
  );
  const exportsStmt = db.prepare<[string, number], ExportRow>(
    `SELECT * FROM audit_exports WHERE workspace_id = ? ORDER BY created_ms DESC LIMIT ?`,
  );
  const exportStmt = db.prepare<[string], ExportRow>(`SELECT * FROM audit_exports WHERE export_id = ?`);
  const roleStmt = db.prepare<[string, string], { role: string }>(
    `SELECT role FROM role_overrides WHERE workspace_id = ? AND sub = ?`,
  );
  const putRoleStmt = db.prepare(`INSERT OR REPLACE INTO role_overrides (workspace_id, sub, role) VALUES (?, ?, ?)`);
  const metaStmt = db.prepare<[string], { value: string }>(`SELECT value FROM meta WHERE key = ?`);
  const putMetaStmt = db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`);

  return {
    putWorkspace: (r: DatasetRecord<'workspaces'>): void => void putWorkspaceStmt.run(r.id, JSON.stringify(r)),
    workspace(id: string): JsonObject | null {
      const row = workspaceStmt.get(id);
      return row === undefined ? null : parseObject(row.raw);
    },
    putCall: (r: DatasetRecord<'calls'>): void =>
      void putCallStmt.run(r.id, r.workspace_id, r.call_sid ?? null, JSON.stringify(r)),
    /** A call by its id, or by its provider SID (a review item's session_id may hold either). */
    call(workspaceId: string, idOrSid: string): JsonObject | null {
      const row = callStmt.get(workspaceId, idOrSid, idOrSid, idOrSid);
      return row === undefined ? null : parseObject(row.raw);
    },
    /** Only the fields a workspace configured; defaults are applied by the route. */
    retention(workspaceId: string): JsonObject {
      return parseObject(retentionStmt.get(workspaceId)?.raw);
    },
    putRetention: (workspaceId: string, configured: JsonObject): void =>
      void putRetentionStmt.run(workspaceId, JSON.stringify(configured)),
    putExport: (row: ExportRow): void => void putExportStmt.run(row),
    exports: (workspaceId: string, limit: number): ExportRow[] => exportsStmt.all(workspaceId, limit),
    exportById: (exportId: string): ExportRow | undefined => exportStmt.get(exportId),
    roleOverride: (workspaceId: string, sub: string): string | undefined => roleStmt.get(workspaceId, sub)?.role,
    setRoleOverride: (workspaceId: string, sub: string, role: string): void =>
      void putRoleStmt.run(workspaceId, sub, role),
    meta: (key: string): string | undefined => metaStmt.get(key)?.value,
    setMeta: (key: string, value: string): void => void putMetaStmt.run(key, value),
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
