import { useEffect, useRef, type MouseEvent } from 'react';
import { AuditSection } from '../features/audit/AuditSection';
import { useActivityReporter } from '../features/auth/use-activity-reporter';
import { LineageSection } from '../features/lineage/LineageSection';
import { ReviewSection } from '../features/review/ReviewSection';
import { SyncPanel } from '../features/sync/SyncPanel';
import { ServerProblemBanner } from '../components/ServerProblemBanner';
import { useReviewSummary, useSync } from '../stores/stores-context';
import { AppHeader, useCanSeeAudit } from './AppHeader';
import { SECTION_LABELS, useSection, type Section } from './router';
import { SectionNav } from './SectionNav';

const MAIN_ID = 'main-content';

/** The signed-in app: header, section navigation, the section, and sync status beside it. */
export const AppShell = () => {
  const startSync = useSync((s) => s.startPolling);
  const startReview = useReviewSummary((s) => s.startPolling);
  // Only mounted while signed in, so these polls run exactly while there is a session.
  useEffect(() => startSync(), [startSync]);
  useEffect(() => startReview(), [startReview]);
  // Key presses and clicks keep the idle lock away (HIPAA automatic logoff).
  useActivityReporter();

  const auditAllowed = useCanSeeAudit();
  const requested = useSection();
  // A bookmarked #/audit without the role falls back to Review rather than a dead end.
  const section: Section = requested === 'audit' && !auditAllowed ? 'review' : requested;
  const sections: readonly Section[] = auditAllowed ? ['review', 'lineage', 'audit'] : ['review', 'lineage'];

  const mainRef = useRef<HTMLElement>(null);
  const previous = useRef(section);
  useEffect(() => {
    document.title = `${SECTION_LABELS[section]} · Attest`;
    // Move focus to the new content after navigating, so keyboard and screen-reader users land
    // on it; not on first render, where focus belongs at the top of the page.
    if (previous.current !== section) mainRef.current?.focus();
    previous.current = section;
  }, [section]);

  const skipToMain = (event: MouseEvent<HTMLAnchorElement>): void => {
    // The hash belongs to the router; move focus without touching it.
    event.preventDefault();
    mainRef.current?.focus();
  };

  return (
    <div className="shell">
      <a className="skip-link" href={`#${MAIN_ID}`} onClick={skipToMain}>
        Skip to content
      </a>
      <AppHeader />
      <div className="shell-body">
        <SectionNav sections={sections} current={section} />
        <main id={MAIN_ID} ref={mainRef} tabIndex={-1} className="section" data-testid={`section-${section}`}>
          <ServerProblemBanner />
          {section === 'review' && <ReviewSection />}
          {section === 'lineage' && <LineageSection />}
          {section === 'audit' && <AuditSection />}
        </main>
        <aside className="sync-aside" aria-label="Sync status">
          <SyncPanel />
        </aside>
      </div>
    </div>
  );
};
