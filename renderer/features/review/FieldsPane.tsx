import type { FieldView, ItemDetailView } from '../../../shared/contract/review.views';
import { CONFIDENCE_BAND_LABELS } from '../../../shared/review/review-risk';
import { valueForInput } from './review-format';

/**
 * The extracted events grouped by field: value, confidence band (hidden until revealed when the
 * reviewer chose so), source, event type, FHIR resource type, the local evidence finding beside
 * the judge's, and what approving would change on the entity.
 */
export const FieldsPane = ({
  fields,
  selectedKey,
  onSelect,
  confidenceHidden,
  onReveal,
}: {
  fields: readonly FieldView[];
  selectedKey: string | null;
  onSelect(key: string): void;
  confidenceHidden: boolean;
  onReveal(): void;
}) => (
  <section className="fields" aria-labelledby="fields-heading" data-testid="fields">
    <div className="fields-head">
      <h3 id="fields-heading">Extracted fields</h3>
      {confidenceHidden && (
        <button type="button" className="button button-small" data-testid="reveal-confidence" onClick={onReveal}>
          Reveal confidence
        </button>
      )}
    </div>
    {fields.length === 0 ? (
      <p className="muted">This item carries no extracted values in the local copy.</p>
    ) : (
      <ul className="field-list">
        {fields.map((f) => (
          <li key={f.key}>
            <FieldRow
              field={f}
              selected={f.key === selectedKey}
              onSelect={onSelect}
              confidenceHidden={confidenceHidden}
            />
          </li>
        ))}
      </ul>
    )}
  </section>
);

const FieldRow = ({
  field: f,
  selected,
  onSelect,
  confidenceHidden,
}: {
  field: FieldView;
  selected: boolean;
  onSelect(key: string): void;
  confidenceHidden: boolean;
}) => (
  <button
    type="button"
    className={`field-row${selected ? ' is-selected' : ''}`}
    aria-pressed={selected}
    data-testid="field-row"
    data-field={f.field}
    data-key={f.key}
    onClick={() => onSelect(f.key)}
  >
    <span className="field-label">{f.label}</span>
    <span className="field-value" dir="auto">
      {f.valueText === '' ? <span className="muted">empty</span> : f.valueText}
    </span>
    <span className="field-meta">
      {confidenceHidden ? (
        <span className="band band-hidden" data-testid="confidence-hidden">
          Confidence hidden
        </span>
      ) : (
        <span className={`band band-${f.band}`} data-testid="confidence-band" data-band={f.band}>
          {CONFIDENCE_BAND_LABELS[f.band]} confidence
        </span>
      )}
      {f.stated &&
        (f.evidence === null ? (
          <span className="tag tag-danger" data-testid="field-no-evidence">
            No evidence found
          </span>
        ) : (
          <span className="tag tag-ok" data-testid="field-evidence">
            In transcript, turn {f.evidence.turnIndex + 1}
          </span>
        ))}
      {f.judge && f.judge.evidenceFound !== null && (
        <span className="tag">Judge: {f.judge.evidenceFound ? 'evidence found' : 'no evidence'}</span>
      )}
    </span>
    <span className="field-meta muted">
      {f.eventType ?? 'event'}
      {f.fhirResourceType && ` · FHIR ${f.fhirResourceType}`}
      {` · source ${f.source ?? 'not synced yet'}`}
    </span>
    {f.changes ? (
      <span className="field-change" data-testid="field-change">
        Approving sets it from “{f.currentText ?? 'nothing'}” to “{f.valueText}”.
      </span>
    ) : (
      <span className="field-change muted">The entity already holds this value.</span>
    )}
  </button>
);

export const JudgePanel = ({ judge }: { judge: ItemDetailView['judge'] }) =>
  judge === null ? null : (
    <section className="judge" aria-labelledby="judge-heading" data-testid="judge-panel">
      <h3 id="judge-heading">Judge’s analysis</h3>
      <p>
        <strong>{judge.verdict ?? 'No verdict'}</strong>
        {judge.model && <span className="muted"> · {judge.model}</span>}
      </p>
      {judge.reasoning && <p dir="auto">{judge.reasoning}</p>}
      {judge.flags.length > 0 && (
        <ul className="tags" aria-label="Judge flags">
          {judge.flags.map((flag) => (
            <li key={flag} className="tag">
              {flag.replace(/_/g, ' ')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );

export const EntityPanel = ({ entity }: { entity: ItemDetailView['entity'] }) =>
  entity === null ? null : (
    <section className="entity" aria-labelledby="entity-heading" data-testid="entity-panel">
      <h3 id="entity-heading">Current state of {entity.displayName ?? entity.entityType ?? 'the entity'}</h3>
      <dl className="state">
        {Object.entries(entity.state)
          .filter(([key]) => !key.endsWith('_id'))
          .map(([key, value]) => (
            <div key={key}>
              <dt>{key.replace(/_/g, ' ')}</dt>
              <dd dir="auto">{valueForInput(value)}</dd>
            </div>
          ))}
      </dl>
      {entity.origin === 'review_item' && (
        <p className="muted">As the review item described it; the entity itself is not synced yet.</p>
      )}
    </section>
  );
