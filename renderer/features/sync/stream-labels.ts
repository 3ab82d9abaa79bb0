/**
 * What each sync stream is called on screen. The workspace server names streams for machines
 * (`audit-events`); a person reads "Audit log". Unknown names (a newer server) show as they are.
 */
const LABELS: Readonly<Record<string, string>> = {
  outbox: 'Changes to send',
  'review-history': 'Review history',
  'review-queue': 'Review queue',
  entities: 'Patients and records',
  calls: 'Calls and transcripts',
  sinks: 'Outbound systems',
  'sync-events': 'Outbound deliveries',
  retention: 'Retention policy',
  'audit-events': 'Audit log',
  'audit-summary': 'Audit summary',
  'hipaa-report': 'HIPAA report',
  'compliance-dashboard': 'Compliance dashboard',
  'workspace-events': 'Live updates',
};

export const streamLabel = (stream: string): string => LABELS[stream] ?? stream;
