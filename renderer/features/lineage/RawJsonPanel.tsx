import type { EntityLineageView } from '../../../shared/contract/lineage.views';
import { DateTime } from '../../components/DateTime';

const RawBlock = ({
  title,
  text,
  pulledAt,
  testId,
}: {
  title: string;
  text: string | null;
  pulledAt: string | null;
  testId: string;
}) => (
  <details className="raw-json" data-testid={testId}>
    <summary>
      {title}
      {pulledAt ? (
        <span className="muted">
          {' '}
          (pulled <DateTime value={pulledAt} />)
        </span>
      ) : null}
    </summary>
    {text === null ? (
      <p className="muted">Not in the local copy yet.</p>
    ) : (
      // Text, never markup: whatever the backend sent is shown as characters.
      // Focusable: the block scrolls, and keyboard users must be able to scroll it.
      <pre className="mono" data-testid={`${testId}-text`} tabIndex={0} aria-label={title}>
        {text}
      </pre>
    )}
  </details>
);

/** The lineage and provenance objects exactly as the API returned them (untyped in the spec). */
export const RawJsonPanel = ({ view }: { view: EntityLineageView }) => (
  <section className="lineage-panel" aria-labelledby="lineage-raw-heading">
    <h2 id="lineage-raw-heading">As the API returned it</h2>
    <RawBlock title="Lineage JSON" text={view.raw.lineage} pulledAt={view.raw.lineagePulledAt} testId="raw-lineage" />
    <RawBlock
      title="Provenance JSON"
      text={view.raw.provenance}
      pulledAt={view.raw.provenancePulledAt}
      testId="raw-provenance"
    />
  </section>
);
