import { useState, type FormEvent } from 'react';
import type { SearchMatchKind } from '../../../shared/contract/lineage.views';
import { entityHref } from './lineage-route';
import { useLineage } from './use-lineage';

const MATCH_LABELS: Readonly<Record<SearchMatchKind, string>> = {
  entity_id: 'entity id',
  mrn: 'MRN',
  phone: 'phone',
  call_id: 'call',
  name: 'name',
  canonical_id: 'canonical id',
};

/** Find an entity in the local copy by name, MRN, phone, call id or entity id. */
export const LineageSearch = () => {
  const search = useLineage((s) => s.search);
  const runSearch = useLineage((s) => s.runSearch);
  const [text, setText] = useState(search.query);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    void runSearch(text);
  };

  return (
    <section className="lineage-search no-print" aria-labelledby="lineage-search-heading">
      <h2 id="lineage-search-heading">Find an entity</h2>
      <form role="search" onSubmit={submit} className="lineage-search-form">
        <label htmlFor="lineage-search-input">Name, MRN, phone, call id or entity id</label>
        <div className="lineage-search-row">
          <input
            id="lineage-search-input"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={200}
            autoComplete="off"
            spellCheck={false}
            data-testid="lineage-search-input"
          />
          <button
            type="submit"
            className="button button-primary"
            disabled={search.status === 'loading'}
            data-testid="lineage-search-submit"
          >
            Search
          </button>
        </div>
      </form>
      {search.status === 'error' && (
        <p role="alert" className="notice notice-error" data-testid="lineage-search-error">
          {search.problem}
        </p>
      )}
      {search.status === 'ready' && search.results.length === 0 && (
        <p role="status" className="muted" data-testid="lineage-no-results">
          Nothing in the local copy matches “{search.query.trim()}”.
        </p>
      )}
      {search.status === 'ready' && search.results.length > 0 && (
        <>
          <p role="status" className="visually-hidden">
            {search.results.length} {search.results.length === 1 ? 'entity' : 'entities'} found.
          </p>
          <ul className="lineage-results" data-testid="lineage-results">
            {search.results.map((r) => (
              <li key={r.id}>
                <a href={entityHref(r.id)} data-testid="lineage-result" data-entity-id={r.id} dir="auto">
                  {r.displayName ?? r.id}
                </a>{' '}
                <span className="muted">
                  {r.entityType}
                  {r.mrn ? ` · MRN ${r.mrn}` : ''}
                  {r.phone ? ` · ${r.phone}` : ''}
                  {r.birthDate ? ` · born ${r.birthDate}` : ''} · matched on{' '}
                  {r.matchedOn.map((m) => MATCH_LABELS[m]).join(', ')}
                </span>
              </li>
            ))}
          </ul>
          {search.truncated && <p className="muted">More entities match: type more of the name or an exact id.</p>}
        </>
      )}
    </section>
  );
};
