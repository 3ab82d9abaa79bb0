import { SECTION_LABELS, sectionHref, type Section } from './router';

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
          </a>
        </li>
      ))}
    </ul>
  </nav>
);
