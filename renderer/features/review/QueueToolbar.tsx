import { useEffect, useState, type ChangeEvent } from 'react';
import {
  QUEUE_SORT_LABELS,
  QUEUE_SORTS,
  type QueueSort,
  type QueueStatus,
} from '../../../shared/contract/review.views';
import { formatCount } from '../../components/format';
import { useReviewQueue } from '../../stores/stores-context';
import { ENTITY_TYPE_LABELS, REASON_LABELS, labelOf } from './review-format';

const STATUS_LABELS: Readonly<Record<string, string>> = {
  open: 'Open',
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
  rejected: 'Rejected',
};

/** Typing pauses this long before the queue is searched (one query per thought, not per key). */
const SEARCH_DEBOUNCE_MS = 250;

const countOf = (list: readonly { value: string; count: number }[] | undefined, value: string): string => {
  const n = list?.find((c) => c.value === value)?.count;
  return n === undefined ? '' : ` (${formatCount(n)})`;
};

/** Search, filters with counts, and the sort: every control a labelled native element. */
export const QueueToolbar = () => {
  const filters = useReviewQueue((s) => s.filters);
  const sort = useReviewQueue((s) => s.sort);
  const counts = useReviewQueue((s) => s.counts);
  const setFilters = useReviewQueue((s) => s.setFilters);
  const setSort = useReviewQueue((s) => s.setSort);
  const [search, setSearch] = useState(filters.q ?? '');

  useEffect(() => {
    if ((filters.q ?? '') === search) return;
    const timer = setTimeout(() => setFilters({ q: search === '' ? undefined : search }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search, filters.q, setFilters]);

  const select =
    (key: 'entityType' | 'reason' | 'assignee') =>
    (e: ChangeEvent<HTMLSelectElement>): void =>
      setFilters({ [key]: e.target.value === '' ? undefined : e.target.value });

  const openCount = (counts?.status ?? [])
    .filter((c) => c.value === 'pending' || c.value === 'in_progress')
    .reduce((n, c) => n + c.count, 0);

  return (
    <form className="queue-toolbar" role="search" aria-label="Review queue" onSubmit={(e) => e.preventDefault()}>
      <label className="field field-search">
        <span>Search</span>
        <input
          type="search"
          data-testid="review-search"
          placeholder="Patient name, MRN, phone, call id"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Status</span>
        <select
          data-testid="filter-status"
          value={filters.status}
          onChange={(e) => setFilters({ status: e.target.value as QueueStatus })}
        >
          {Object.entries(STATUS_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
              {value === 'open' ? (counts ? ` (${formatCount(openCount)})` : '') : countOf(counts?.status, value)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Type</span>
        <select data-testid="filter-entity-type" value={filters.entityType ?? ''} onChange={select('entityType')}>
          <option value="">All types</option>
          {(counts?.entityType ?? []).map((c) => (
            <option key={c.value} value={c.value}>
              {labelOf(ENTITY_TYPE_LABELS, c.value)} ({formatCount(c.count)})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Priority</span>
        <select
          data-testid="filter-priority"
          value={filters.priority ?? ''}
          onChange={(e) => setFilters({ priority: e.target.value === '' ? undefined : Number(e.target.value) })}
        >
          <option value="">Any</option>
          {(counts?.priority ?? []).map((c) => (
            <option key={c.value} value={c.value}>
              P{c.value} ({formatCount(c.count)})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Reason</span>
        <select data-testid="filter-reason" value={filters.reason ?? ''} onChange={select('reason')}>
          <option value="">Any reason</option>
          {(counts?.reason ?? []).map((c) => (
            <option key={c.value} value={c.value}>
              {labelOf(REASON_LABELS, c.value)} ({formatCount(c.count)})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Assignee</span>
        <select data-testid="filter-assignee" value={filters.assignee ?? ''} onChange={select('assignee')}>
          <option value="">Anyone</option>
          <option value="me">My queue{counts ? ` (${formatCount(counts.mine)})` : ''}</option>
          <option value="unassigned">Unassigned{counts ? ` (${formatCount(counts.unassigned)})` : ''}</option>
        </select>
      </label>
      <label className="field">
        <span>From</span>
        <input
          type="date"
          data-testid="filter-created-from"
          value={filters.createdFrom ?? ''}
          onChange={(e) => setFilters({ createdFrom: e.target.value === '' ? undefined : e.target.value })}
        />
      </label>
      <label className="field">
        <span>To</span>
        <input
          type="date"
          data-testid="filter-created-to"
          value={filters.createdTo ?? ''}
          onChange={(e) => setFilters({ createdTo: e.target.value === '' ? undefined : e.target.value })}
        />
      </label>
      <label className="field">
        <span>Sort</span>
        <select data-testid="queue-sort" value={sort} onChange={(e) => setSort(e.target.value as QueueSort)}>
          {QUEUE_SORTS.map((s) => (
            <option key={s} value={s}>
              {QUEUE_SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
};
