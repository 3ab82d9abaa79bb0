import { formatCount } from '../components/format';
import { useReviewSummary } from '../stores/stores-context';
import { SECTION_LABELS, sectionHref, type Section } from './router';

/** Pending items in the local copy, beside "Review" wherever the person is in the app. */
const PendingBadge = () => {
  const pending = useReviewSummary((s) => s.summary?.pending ?? null);
  if (pending === null) return null;
  return (
    <span className="nav-badge" aria-label={`${formatCount(pending)} pending`}>
      <span data-testid="pending-count">{formatCount(pending)}</span> pending
    </span>
  );
};

/** Plain links: keyboard and screen-reader behaviour for free; the hash router does the rest. */
export const SectionNav = ({ sections, current }: { sections: readonly Section[]; current: Section }) => (
  <nav className="section-nav" aria-label="Sections">
    <ul>
      {sections.map((section) => (
        <li key={section}>
          <a
            href={sectionHref(section)}
            aria-current={section === current ? 'page' : undefined}
            data-testid={`nav-${section}`}
          >
            {SECTION_LABELS[section]}
            {section === 'review' && <PendingBadge />}
          </a>
        </li>
      ))}
    </ul>
  </nav>
);
