import { describe, expect, it } from 'vitest';
import type { DatasetResource } from '../dataset';
import { datasetRecords } from '../dataset';
import type { DemoWorkspace } from '../directory';
import { DEMO_PEOPLE, DEMO_WORKSPACES } from '../directory';
import { createCollectingSink } from './dataset-file';
import { SCALE_SPECS } from './context';
import { generateWorkspace } from './generate';
import { RIVERBEND, countingSink, smallDataset } from './test-helpers';

const RESOURCES = Object.keys(datasetRecords) as DatasetResource[];

describe('determinism', () => {
  it('gives identical output for the same seed, scale and workspace', () => {
    const a = createCollectingSink();
    const b = createCollectingSink();
    generateWorkspace({ seed: 42, scale: 'small', workspace: RIVERBEND }, a.sink);
    generateWorkspace({ seed: 42, scale: 'small', workspace: RIVERBEND }, b.sink);
    expect(JSON.stringify(b.records)).toBe(JSON.stringify(a.records));
  });

  it('gives different output for a different seed or workspace', () => {
    const a = JSON.stringify(smallDataset(42).records.review_items);
    expect(JSON.stringify(smallDataset(43).records.review_items)).not.toBe(a);
    const other = DEMO_WORKSPACES[1] as DemoWorkspace;
    const ids = new Set(smallDataset(42).records.entities.map((e) => e.id));
    expect(smallDataset(42, other).records.entities.some((e) => ids.has(e.id))).toBe(false);
  });

  it('moves timestamps with `now` but not ids', () => {
    const a = createCollectingSink();
    generateWorkspace({ seed: 5, scale: 'small', workspace: RIVERBEND, now: new Date('2027-03-01T00:00:00Z') }, a.sink);
    const b = smallDataset(5).records;
    expect(a.records.entities.map((e) => e.id)).toEqual(b.entities.map((e) => e.id));
    expect(a.records.calls[0]?.call_start_time).not.toBe(b.calls[0]?.call_start_time);
    expect(a.records.audit_events.every((e) => e.timestamp <= '2027-03-01T00:00:00.000Z')).toBe(true);
  });
});

describe('every emitted record', () => {
  for (const ws of DEMO_WORKSPACES) {
    it(`parses with its dataset.ts schema unchanged (${ws.slug})`, () => {
      const { records } = smallDataset(7, ws);
      for (const resource of RESOURCES) {
        const schema = datasetRecords[resource];
        const list: readonly unknown[] = records[resource];
        list.forEach((record, index) => {
          const result = schema.safeParse(record);
          if (!result.success) throw new Error(`${resource}[${index}]: ${result.error.message}`);
          // Equal after parsing: no stray keys stripped, no defaults filled in by the schema.
          expect(result.data, `${resource}[${index}]`).toEqual(record);
        });
      }
    });
  }

  it('belongs to the generated workspace only', () => {
    for (const ws of DEMO_WORKSPACES) {
      const { records } = smallDataset(7, ws);
      const lists = [
        records.entities,
        records.calls,
        records.review_items,
        records.audit_events,
        records.sinks,
        records.retention,
      ];
      for (const list of lists) for (const r of list) expect(r.workspace_id).toBe(ws.id);
    }
  });

  it('has unique ids per resource', () => {
    const { records } = smallDataset();
    const unique = (ids: string[]): void => expect(new Set(ids).size).toBe(ids.length);
    unique(records.entities.map((e) => e.id));
    unique(records.entity_events.map((e) => e.id));
    unique(records.calls.map((c) => c.id));
    unique(records.review_items.map((i) => i.id));
    unique(records.audit_events.map((a) => a.id));
  });
});

describe('counts per scale', () => {
  it('small: 100 patients, ~200 review items, 5k audit events', () => {
    const { records, summary } = smallDataset();
    const patients = records.entities.filter((e) => e.entity_type === 'patient' && !e.tags?.includes('crm-contact'));
    expect(patients).toHaveLength(SCALE_SPECS.small.patients);
    expect(summary.review_items).toBeGreaterThanOrEqual(190);
    expect(summary.review_items).toBeLessThanOrEqual(210);
    expect(summary.audit_events).toBe(SCALE_SPECS.small.auditEvents);
    for (const resource of RESOURCES) expect(summary[resource], resource).toBe(records[resource].length);
    expect(summary.workspaces).toBe(1);
    expect(summary.retention).toBe(1);
    expect(summary.sinks).toBeGreaterThanOrEqual(2);
  });

  it('medium: 2k patients, ~5k review items, 100k audit events', () => {
    const counting = countingSink();
    const summary = generateWorkspace(
      { seed: 3, scale: 'medium', workspace: DEMO_WORKSPACES[2] as DemoWorkspace },
      counting.sink,
    );
    expect(summary.review_items).toBeGreaterThanOrEqual(4900);
    expect(summary.review_items).toBeLessThanOrEqual(5100);
    expect(summary.audit_events).toBe(SCALE_SPECS.medium.auditEvents);
    expect(summary.entities).toBeGreaterThanOrEqual(SCALE_SPECS.medium.patients);
    expect(counting.count()).toBe(Object.values(summary).reduce((a, b) => a + b, 0));
  });
});

describe('review queue', () => {
  it('has at most one pending or in-progress item per entity', () => {
    for (const seed of [1, 2, 3]) {
      const open = smallDataset(seed).records.review_items.filter(
        (i) => i.status === 'pending' || i.status === 'in_progress',
      );
      const entities = open.map((i) => i.entity_id);
      expect(new Set(entities).size).toBe(entities.length);
    }
  });

  it('is mostly pending, with some claimed and some history', () => {
    const items = smallDataset().records.review_items;
    const share = (s: string): number => items.filter((i) => i.status === s).length / items.length;
    expect(share('pending')).toBeGreaterThan(0.6);
    expect(share('pending')).toBeLessThan(0.8);
    expect(share('in_progress')).toBeGreaterThan(0.02);
    expect(share('completed') + share('rejected')).toBeGreaterThan(0.12);
  });

  it('has status-consistent fields and assignees from the workspace', () => {
    const subs = new Set(
      DEMO_PEOPLE.filter((p) => p.memberships.some((m) => m.workspaceId === RIVERBEND.id && m.role !== 'viewer')).map(
        (p) => p.sub,
      ),
    );
    const { records } = smallDataset();
    const calls = new Set(records.calls.map((c) => c.id));
    for (const item of records.review_items) {
      expect(calls.has(item.session_id)).toBe(true);
      expect(item.priority).toBeGreaterThanOrEqual(1);
      expect(item.priority).toBeLessThanOrEqual(5);
      expect(['low_confidence', 'judge_flagged', 'always_review_category', 'conflicting_values']).toContain(
        item.reason,
      );
      expect(item.events?.map((e) => e.id)).toEqual(item.event_ids);
      if (item.status === 'pending') {
        expect(item.assigned_to).toBeNull();
        expect(item.completed_at).toBeNull();
        expect(item.completed_action).toBeNull();
      } else {
        expect(subs.has(item.assigned_to ?? '')).toBe(true);
      }
      if (item.status === 'in_progress') expect(item.completed_at).toBeNull();
      if (item.status === 'completed') expect(['approved', 'corrected']).toContain(item.completed_action);
      if (item.status === 'rejected') expect(item.completed_action).toBe('rejected');
      if (item.completed_at) {
        expect(item.completed_at > (item.created_at ?? '')).toBe(true);
        expect(item.completed_at <= '2026-11-01T00:00:00.000Z').toBe(true);
      }
    }
  });
});
