/**
 * Audit and compliance endpoints are admin/owner only: a member's sync never calls them, an
 * admin's does; retention is read by any role. A role change announced on the event stream
 * (workspace.member_role_updated) reaches the session's callback, and the next pass follows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/amigo';
import { sql } from '../../../electron/server/db/sql';
import { requestsTo } from './mirror-checks';
import { clientFor, engineFor, openLocal, startSimulator, subOf, waitFor, type SimHarness } from './sync-test-kit';

const WS = '/v1/{workspace_id}';
const auditRequests = (sim: SimHarness): number =>
  sim.backend.requests
    .entries()
    .filter((r) => r.route !== null && (r.route.includes('/audit') || r.route.includes('/compliance/'))).length;

describe('pull by role', () => {
  let sim: SimHarness;
  beforeAll(async () => {
    sim = await startSimulator({ scale: 'small', seed: 5 });
  }, 120_000);
  afterAll(async () => sim.close());

  it("a member's sync never calls /audit or /compliance; it reads retention", async () => {
    const client = await clientFor(sim, 'reviewer');
    const db = openLocal(sim.tmp.file('member.db'), sim.workspaceId);
    const engine = engineFor(client, db, 'member');
    sim.backend.requests.reset();
    await engine.syncNow({ manual: true });
    expect(engine.status().streams.filter((s) => s.lastError !== null)).toEqual([]);
    expect(auditRequests(sim)).toBe(0);
    expect(requestsTo(sim, `${WS}/settings/retention`)).toBe(1);
    expect(db.read.value<number>(sql`SELECT count(*) FROM audit_events`)).toBe(0);
    expect(engine.status().streams.map((s) => s.stream)).not.toContain('audit-events');
    await engine.stop();
    db.close();
  }, 120_000);

  it("an admin's sync pulls the audit log and the audit and compliance reports", async () => {
    const client = await clientFor(sim, 'compliance');
    const db = openLocal(sim.tmp.file('admin.db'), sim.workspaceId);
    const engine = engineFor(client, db, 'admin');
    sim.backend.requests.reset();
    await engine.syncNow({ manual: true });
    expect(engine.status().streams.filter((s) => s.lastError !== null)).toEqual([]);
    expect(requestsTo(sim, `${WS}/audit`)).toBeGreaterThan(0);
    expect(requestsTo(sim, `${WS}/audit/summary`)).toBe(1);
    expect(requestsTo(sim, `${WS}/compliance/hipaa`)).toBe(1);
    expect(requestsTo(sim, `${WS}/compliance/dashboard`)).toBe(1);
    expect(db.read.value<number>(sql`SELECT count(*) FROM audit_events`)).toBeGreaterThan(0);
    await engine.stop();
    db.close();
  }, 120_000);

  it('follows a role change announced on the event stream', async () => {
    const client = await clientFor(sim, 'reviewer');
    const db = openLocal(sim.tmp.file('promoted.db'), sim.workspaceId);
    let role: Role = 'member';
    const announced: string[] = [];
    const engine = engineFor(client, db, 'member', {
      role: () => role,
      events: { authorizer: client.authorizer },
      onMemberRoleUpdated: async (event) => {
        announced.push(event.role);
        // The session re-reads the role from the profile; here the event's word stands in for it.
        if (event.entity_id === subOf('reviewer') && event.role === 'admin') role = 'admin';
      },
    });
    sim.backend.requests.reset();
    engine.start();
    await waitFor(() => engine.status().lastCompleteSyncAt !== null, 'the first pass');
    await waitFor(() => sim.backend.hub.openStreams(sim.workspaceId) > 0, 'the event stream');
    expect(auditRequests(sim)).toBe(0);

    sim.backend.store.settings.setRoleOverride(sim.workspaceId, subOf('reviewer'), 'admin');
    sim.backend.hub.publish(sim.workspaceId, 'workspace.member_role_updated', {
      entity_id: subOf('reviewer'),
      role: 'admin',
      previous_role: 'member',
    });
    await waitFor(() => db.read.value<number>(sql`SELECT count(*) FROM audit_events`) !== 0, 'the audit pull');
    expect(announced).toEqual(['admin']);
    await engine.settled();
    await engine.stop();
    db.close();
  }, 120_000);
});
