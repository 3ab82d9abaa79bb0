/**
 * The audit browser: the API's filters over the local copy, sortable by every column (each
 * header is a button; aria-sort says the order), paged with "Show more", and a detail drawer
 * that shows an event's metadata as text.
 */
import { useEffect, useState } from 'react';
import type { AuditSortColumn } from '../../../shared/contract/audit.views';
import { DateTime } from '../../components/DateTime';
import { formatCount } from '../../components/format';
import { shortId } from './audit-format';
import { DateRangeFields, ExportBar, Freshness, LocalPending, Problem } from './AuditParts';
import type { EventsQuery, RangeInput } from './audit-store';
import { EventDetail } from './EventDetail';
import { useAudit } from './use-audit';

const COLUMNS: readonly [AuditSortColumn, string][] = [
  ['timestamp', 'When'],
  ['service', 'Service'],
  ['action', 'Action'],
  ['actor', 'Actor'],
  ['resourceType', 'Resource type'],
  ['resourceId', 'Resource id'],
  ['resourceName', 'Resource name'],
  ['phi', 'PHI'],
  ['ipAddress', 'IP address'],
  ['userAgent', 'User agent'],
];

export const EventsView = () => {
  const facets = useAudit((s) => s.facets.view);
  const loadFacets = useAudit((s) => s.loadFacets);
  const events = useAudit((s) => s.events);
  const search = useAudit((s) => s.searchEvents);
  const more = useAudit((s) => s.moreEvents);
  const openEvent = useAudit((s) => s.openEvent);
  const [filters, setFilters] = useState<EventsQuery>({});
  const [range, setRange] = useState<RangeInput>({});

  useEffect(() => {
    void loadFacets();
    void search({});
  }, [loadFacets, search]);

  const query: EventsQuery = { ...filters, ...range };
  const sort = events.query.sort ?? 'timestamp';
  const dir = events.query.dir ?? 'desc';
  const sortBy = (column: AuditSortColumn) => {
    const nextDir = column === sort ? (dir === 'desc' ? 'asc' : 'desc') : column === 'timestamp' ? 'desc' : 'asc';
    void search({ ...events.query, sort: column, dir: nextDir });
  };
  const select = (
    key: 'service' | 'action' | 'actorId' | 'resourceType',
    options: readonly string[],
    label: string,
  ) => (
    <label className="field">
      <span>{label}</span>
      <select
        value={filters[key] ?? ''}
        data-testid={`audit-filter-${key}`}
        onChange={(e) => setFilters({ ...filters, [key]: e.target.value === '' ? undefined : e.target.value })}
      >
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  const view = events.view;

  return (
    <section aria-labelledby="audit-events-heading">
      <h2 id="audit-events-heading">Audit events</h2>
      <form
        className="report-form"
        onSubmit={(e) => {
          e.preventDefault();
          void search({ ...query, sort, dir });
        }}
      >
        <div className="form-row">
          {select('service', facets?.services ?? [], 'Service')}
          {select('action', facets?.actions ?? [], 'Action')}
          {select('actorId', facets?.actors.map((a) => a.actorId) ?? [], 'Actor')}
          {select('resourceType', facets?.resourceTypes ?? [], 'Resource type')}
          <label className="field">
            <span>Resource id</span>
            <input
              value={filters.resourceId ?? ''}
              data-testid="audit-filter-resourceId"
              onChange={(e) =>
                setFilters({ ...filters, resourceId: e.target.value === '' ? undefined : e.target.value })
              }
            />
          </label>
          <label className="field field-inline">
            <input
              type="checkbox"
              checked={filters.phiOnly === 'true'}
              data-testid="audit-filter-phiOnly"
              onChange={(e) => setFilters({ ...filters, phiOnly: e.target.checked ? 'true' : undefined })}
            />
            <span>PHI access only</span>
          </label>
          <DateRangeFields idPrefix="audit-filter" onChange={setRange} />
        </div>
        <button type="submit" className="button button-primary" data-testid="audit-apply-filters">
          Apply filters
        </button>
      </form>
      <Problem text={events.problem} testId="audit-events-problem" />
      {view && (
        <>
          <Freshness asOf={view.asOf} />
          <p>
            <strong data-testid="audit-events-total">{formatCount(view.total)}</strong> events match; showing{' '}
            {formatCount(view.rows.length)}.
          </p>
          <ExportBar report={{ kind: 'events', ...exportFilters(events.query) }} />
          <div className="table-wrap">
            <table className="audit-table" data-testid="audit-events-table">
              <thead>
                <tr>
                  {COLUMNS.map(([column, label]) => (
                    <th
                      key={column}
                      scope="col"
                      aria-sort={column === sort ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
                    >
                      <button
                        type="button"
                        className="sort-button"
                        onClick={() => sortBy(column)}
                        data-testid={`audit-sort-${column}`}
                      >
                        {label}
                        {column === sort ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {view.rows.map((r) => (
                  <tr key={r.id} data-testid="audit-event-row" data-id={r.id}>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => void openEvent(r.id)}
                        data-testid="open-event"
                      >
                        <DateTime value={r.timestamp} />
                      </button>
                    </td>
                    <td>{r.service}</td>
                    <td>{r.action}</td>
                    <td className="mono">{shortId(r.actorId)}</td>
                    <td>{r.resourceType}</td>
                    <td className="mono">{shortId(r.resourceId)}</td>
                    <td dir="auto">{r.resourceName ?? '—'}</td>
                    <td>{r.phi ? 'Yes' : 'No'}</td>
                    <td>{r.ipAddress ?? '—'}</td>
                    <td className="small">{r.userAgent ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {view.nextCursor !== null && (
            <button
              type="button"
              className="button"
              onClick={() => void more()}
              disabled={events.loadingMore}
              data-testid="audit-load-more"
            >
              {events.loadingMore ? 'Loading…' : 'Show more'}
            </button>
          )}
          <LocalPending events={view.localPending} />
        </>
      )}
      <EventDetail />
    </section>
  );
};

const exportFilters = (q: EventsQuery) => ({
  ...(q.service === undefined ? {} : { service: q.service }),
  ...(q.action === undefined ? {} : { action: q.action }),
  ...(q.actorId === undefined ? {} : { actorId: q.actorId }),
  ...(q.resourceType === undefined ? {} : { resourceType: q.resourceType }),
  ...(q.resourceId === undefined ? {} : { resourceId: q.resourceId }),
  ...(q.phiOnly === 'true' ? { phiOnly: true } : {}),
  ...(q.from === undefined ? {} : { from: q.from }),
  ...(q.to === undefined ? {} : { to: q.to }),
  ...(q.sort === undefined ? {} : { sort: q.sort }),
  ...(q.dir === undefined ? {} : { dir: q.dir }),
});
