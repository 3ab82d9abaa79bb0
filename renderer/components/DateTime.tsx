import { formatDateTime } from './format';

/** A server timestamp as a localized <time>; an unparseable value is shown as-is rather than hidden. */
export const DateTime = ({ value, testId }: { value: string; testId?: string }) => (
  <time dateTime={value} data-testid={testId}>
    {formatDateTime(value) ?? value}
  </time>
);
