/**
 * Electronegativity as a CI gate (security-bar §1.2, E-30): `npm run test:electronegativity`.
 *
 * 1. Builds dist/electron with the same esbuild code as `npm run build:electron` (and, in memory,
 *    external source maps of those byte-identical bundles).
 * 2. Scans two inputs, each as one whole app so the global checks (navigation, permission handler,
 *    CSP) see everything at once:
 *    - "built": the three bundles + the renderer build (dist/renderer, when present) + package.json.
 *      Electronegativity only reads .js/.ts/.html (not .cjs), so the bundles are staged as .js.
 *    - "sources": the TypeScript of electron/. Needed as well as the bundles: in a CommonJS bundle
 *      `new BrowserWindow(...)` becomes `new import_electron.BrowserWindow(...)`, which the
 *      BrowserWindow checks (sandbox, contextIsolation, nodeIntegration, preload, ...) do not match.
 * 3. Parses the findings (zod), applies inline suppressions, prints a table, writes SARIF and CSV
 *    to test-results/electronegativity/, and exits 1 on any HIGH or MEDIUM finding that is not
 *    suppressed, on any file the tool could not parse (an unparsed file is an unscanned file), and on
 *    any suppression without a justification. The tool itself exits 0 whatever it finds.
 *
 * Suppressions are inline only: `/* eng-disable CHECK_ID *\/` on the line of the finding, with a
 * `//` justification comment on the line(s) just above or at the end of that line. Electronegativity
 * honours them in the TypeScript scan; in the bundles esbuild moves comments to their own line, so
 * for a bundle finding the gate follows the source map back to the TypeScript line and honours the
 * directive there. File-wide directives (line 1) are refused.
 *
 * Programmatic use of the runner, coded against node_modules/@doyensec/electronegativity/src/runner.js
 * (1.10.3): options are `input`, `customScan`, `excludeFromScan` (not `exclude…`), `severitySet`,
 * `confidenceSet`, `electronVersionOverride` (not `electronVersion`: offline, the version must be
 * given), `parserPlugins`; with `forCli` false it resolves `{ globalChecks, atomicChecks, errors,
 * issues }`. We do not pass `output`: its writer is fire-and-forget (fs.writeFile without awaiting)
 * and its SARIF drops the severity, so the gate writes its own reports from the parsed findings.
 * Note that the runner's i18n step fetches translation strings from S3 (1 s timeout, falls back to
 * the bundled English offline); that only affects description texts, never the findings.
 */
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire, SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { REPO_ROOT, buildElectron } from './build-electron';

const require = createRequire(import.meta.url);

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const;
export const CONFIDENCES = ['TENTATIVE', 'FIRM', 'CERTAIN'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Confidence = (typeof CONFIDENCES)[number];

/** Severities that fail the gate (any confidence: stricter than E-30's "≥ FIRM"). */
export const BLOCKING_SEVERITIES: ReadonlySet<Severity> = new Set(['HIGH', 'MEDIUM']);

/** The Electron version the scans assume: the installed one, so an upgrade re-targets the checks. */
export function installedElectronVersion(): string {
  const pkg = z.object({ version: z.string() }).parse(require('electron/package.json'));
  return pkg.version;
}

/**
 * A check switched off for a whole scan, with the reason printed in every report. The runner
 * matches exclusions on the check's CLASS name (`CSPGlobalCheck`), not on the ID it reports
 * (`CSP_GLOBAL_CHECK`), and calls process.exit(1) on a name it does not know, so names are
 * validated here first.
 */
export interface ExcludedCheck {
  id: string;
  checkName: string;
  reason: string;
}

export const NETWORK_CHECK_EXCLUSION: ExcludedCheck = {
  id: 'AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK',
  checkName: 'AvailableSecurityFixesGlobalCheck',
  reason:
    'downloads Electron release notes from GitHub; offline it silently skips, so it cannot gate. The E-16 version-window job covers it.',
};
export const CSP_SOURCES_EXCLUSION: ExcludedCheck = {
  id: 'CSP_GLOBAL_CHECK',
  checkName: 'CSPGlobalCheck',
  reason:
    "the CSP is computed per response (the server's port is ephemeral) and sent as a header by the app:// handler, which the check cannot see; csp/app-protocol unit tests pin it, and the built scan checks the renderer's meta CSP.",
};

// ---- Parsing what the runner returns ------------------------------------------------------------

const level = <T extends readonly [string, ...string[]]>(names: T) => z.looseObject({ name: z.enum(names) });

const rawIssue = z.looseObject({
  id: z.string(),
  file: z.string(),
  location: z.looseObject({ line: z.number(), column: z.number() }),
  severity: level(SEVERITIES),
  confidence: level(CONFIDENCES),
  manualReview: z.boolean().optional(),
  description: z.string().optional(),
  sample: z.string().optional(),
  constructorName: z.string().optional(),
});

const rawResult = z.looseObject({
  globalChecks: z.number(),
  atomicChecks: z.number(),
  errors: z.array(z.looseObject({ file: z.string(), message: z.string(), tolerable: z.boolean() })),
  issues: z.array(rawIssue),
});
export type RawResult = z.infer<typeof rawResult>;
type RawIssue = z.infer<typeof rawIssue>;

export interface Suppression {
  file: string;
  line: number;
  justification: string;
}

export interface Finding {
  scan: string;
  checkId: string;
  severity: Severity;
  confidence: Confidence;
  manualReview: boolean;
  /** Repo-relative path of the scanned file ('N/A' for app-wide global findings). */
  file: string;
  line: number;
  column: number;
  description: string;
  /** For bundle findings: the TypeScript (or dependency) position the source map points to. */
  origin?: { file: string; line: number };
  suppressedBy?: Suppression;
}

export interface ScanResult {
  name: string;
  input: string;
  excluded: ExcludedCheck[];
  checksRun: number;
  findings: Finding[];
  parseErrors: { file: string; message: string }[];
  warnings: { file: string; message: string }[];
}

type Runner = (options: Record<string, unknown>, forCli?: boolean) => Promise<unknown>;

function loadRunner(): Runner {
  const loaded: unknown = require('@doyensec/electronegativity');
  const candidate = typeof loaded === 'function' ? loaded : (loaded as { default?: unknown } | null)?.default;
  if (typeof candidate !== 'function')
    throw new Error('@doyensec/electronegativity did not export its runner function');
  return candidate as Runner;
}

/** The check lists are arrays of classes; only their names matter here. */
const checkClasses = z
  .array(z.unknown())
  .transform((list) => list.map((check) => (typeof check === 'function' ? check.name : '')));

/** Class names of every check the installed Electronegativity has (atomic and global). */
export function availableCheckNames(): Set<string> {
  const atomic = checkClasses.parse(
    (require('@doyensec/electronegativity/dist/finder/checks/AtomicChecks') as { CHECKS: unknown }).CHECKS,
  );
  const global = checkClasses.parse(
    (require('@doyensec/electronegativity/dist/finder/checks/GlobalChecks') as { GLOBAL_CHECKS: unknown })
      .GLOBAL_CHECKS,
  );
  return new Set([...atomic, ...global].filter(Boolean));
}

/** Runs Electronegativity once over `input` (a directory or file) and returns the parsed result. */
export async function runElectronegativity(
  input: string,
  options: { exclude?: readonly ExcludedCheck[]; electronVersion?: string } = {},
): Promise<RawResult> {
  const known = availableCheckNames();
  for (const check of options.exclude ?? []) {
    if (!known.has(check.checkName))
      throw new Error(`Electronegativity has no check named ${check.checkName} (${check.id})`);
  }
  const raw = await loadRunner()(
    {
      input: path.resolve(input),
      customScan: [],
      excludeFromScan: (options.exclude ?? []).map((check) => check.checkName.toLowerCase()),
      severitySet: 'INFORMATIONAL',
      confidenceSet: 'TENTATIVE',
      isRelative: false,
      electronVersionOverride: options.electronVersion ?? installedElectronVersion(),
      parserPlugins: [],
    },
    false,
  );
  return rawResult.parse(raw);
}

// ---- Suppressions ------------------------------------------------------------------------------

/** The directive syntax Electronegativity itself recognizes (src/util/exceptions.js). */
const DIRECTIVE = /(?:\/\*|\/\/)[ \t]*eng-disable[ \t]+([\w \t]+)/i;

export interface Directive {
  line: number;
  checks: string[];
  justification: string | null;
}

/** Finds every eng-disable directive in a source text, with its justification comment if any. */
export function findDirectives(text: string): Directive[] {
  const lines = text.split('\n');
  const directives: Directive[] = [];
  lines.forEach((content, index) => {
    const match = DIRECTIVE.exec(content);
    if (!match?.[1]) return;
    const checks = match[1]
      .trim()
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((id) => id.toUpperCase());
    // Justification: a trailing `// …` after the directive, or the `//` comment line(s) right above.
    const trailing = /\*\/\s*\/\/\s*(.+)$/.exec(content)?.[1]?.trim() ?? '';
    const above: string[] = [];
    for (let i = index - 1; i >= 0; i -= 1) {
      const comment = /^\s*\/\/\s?(.*)$/.exec(lines[i] ?? '');
      if (!comment) break;
      above.unshift((comment[1] ?? '').trim());
    }
    const text = [trailing, ...above].filter(Boolean).join(' ').trim();
    directives.push({ line: index + 1, checks, justification: text.length >= 15 ? text : null });
  });
  return directives;
}

export interface DirectiveProblem {
  file: string;
  line: number;
  problem: string;
}

/** Every directive needs a justification and must be inline (line 1 would disable a whole file). */
export function directiveProblems(file: string, directives: readonly Directive[]): DirectiveProblem[] {
  const problems: DirectiveProblem[] = [];
  for (const directive of directives) {
    if (directive.line === 1)
      problems.push({ file, line: 1, problem: 'file-wide eng-disable is not allowed; suppress inline' });
    if (directive.justification === null)
      problems.push({ file, line: directive.line, problem: 'eng-disable without a justification comment' });
  }
  return problems;
}

// ---- Mapping bundle findings back to TypeScript --------------------------------------------------

interface StagedBundle {
  /** Absolute path of the staged .js copy that was scanned. */
  stagedFile: string;
  /** Where the release bundle lives (dist/electron/*.cjs); sources in the map are relative to it. */
  outfile: string;
  map: SourceMap;
}

function originOf(bundle: StagedBundle, line: number, column: number): { file: string; line: number } | null {
  if (line < 1) return null;
  const entry = bundle.map.findEntry(line - 1, Math.max(0, column)) as Partial<{
    originalSource: string;
    originalLine: number;
  }>;
  if (typeof entry.originalSource !== 'string' || typeof entry.originalLine !== 'number') return null;
  const source = entry.originalSource.startsWith('file://')
    ? new URL(entry.originalSource).pathname
    : entry.originalSource;
  const absolute = path.resolve(path.dirname(bundle.outfile), source);
  return { file: path.relative(REPO_ROOT, absolute).split(path.sep).join('/'), line: entry.originalLine + 1 };
}

async function suppressionAt(
  origin: { file: string; line: number },
  checkIds: readonly string[],
  cache: Map<string, Directive[]>,
): Promise<Suppression | null> {
  // Only our own code can carry a suppression; a finding inside a dependency must be fixed or excluded in review.
  if (origin.file.startsWith('..') || origin.file.includes('node_modules/')) return null;
  let directives = cache.get(origin.file);
  if (directives === undefined) {
    try {
      directives = findDirectives(await readFile(path.join(REPO_ROOT, origin.file), 'utf8'));
    } catch {
      directives = [];
    }
    cache.set(origin.file, directives);
  }
  const hit = directives.find(
    (d) =>
      d.line === origin.line && d.line !== 1 && d.justification !== null && d.checks.some((c) => checkIds.includes(c)),
  );
  return hit ? { file: origin.file, line: hit.line, justification: hit.justification ?? '' } : null;
}

// ---- One scan ------------------------------------------------------------------------------------

function relative(file: string): string {
  if (file === 'N/A') return file;
  return path.relative(REPO_ROOT, file).split(path.sep).join('/');
}

export interface ScanOptions {
  name: string;
  exclude?: readonly ExcludedCheck[];
  electronVersion?: string;
  bundles?: readonly StagedBundle[];
}

/** Scans one input and turns the runner's output into gate findings (with suppressions applied). */
export async function scanForGate(input: string, options: ScanOptions): Promise<ScanResult> {
  const exclude = [...(options.exclude ?? [])];
  const raw = await runElectronegativity(input, {
    exclude,
    ...(options.electronVersion ? { electronVersion: options.electronVersion } : {}),
  });
  const cache = new Map<string, Directive[]>();
  const findings: Finding[] = [];
  for (const issue of raw.issues) findings.push(await toFinding(issue, options, cache));
  return {
    name: options.name,
    input: relative(path.resolve(input)),
    excluded: exclude,
    checksRun: raw.globalChecks + raw.atomicChecks,
    findings,
    parseErrors: raw.errors.filter((e) => !e.tolerable).map((e) => ({ file: relative(e.file), message: e.message })),
    warnings: raw.errors.filter((e) => e.tolerable).map((e) => ({ file: relative(e.file), message: e.message })),
  };
}

async function toFinding(issue: RawIssue, options: ScanOptions, cache: Map<string, Directive[]>): Promise<Finding> {
  const finding: Finding = {
    scan: options.name,
    checkId: issue.id,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    manualReview: issue.manualReview ?? false,
    file: relative(issue.file),
    line: issue.location.line,
    column: issue.location.column,
    description: (issue.description ?? '').replace(/\s+/g, ' ').trim(),
  };
  const bundle = options.bundles?.find((b) => path.resolve(b.stagedFile) === path.resolve(issue.file));
  if (bundle) {
    const origin = originOf(bundle, issue.location.line, issue.location.column);
    if (origin) {
      finding.origin = origin;
      const ids = [issue.id.toUpperCase(), ...(issue.constructorName ? [issue.constructorName.toUpperCase()] : [])];
      const suppression = await suppressionAt(origin, ids, cache);
      if (suppression) finding.suppressedBy = suppression;
    }
  }
  return finding;
}

export function isBlocking(finding: Finding): boolean {
  return BLOCKING_SEVERITIES.has(finding.severity) && finding.suppressedBy === undefined;
}

// ---- The whole gate ------------------------------------------------------------------------------

export interface GateOptions {
  /** Where the release bundles are written (default dist/electron). */
  outDir?: string;
  /** The renderer build to include (default dist/renderer; skipped when absent). */
  rendererDir?: string;
  /** Where the scanned copies are staged (default test-results/electronegativity/staging). */
  stagingDir?: string;
  /** The TypeScript sources to scan (default electron/). */
  sourcesDir?: string;
  electronVersion?: string;
}

export interface GateReport {
  electronVersion: string;
  scans: ScanResult[];
  directiveProblems: DirectiveProblem[];
  directives: (Directive & { file: string })[];
  blocking: Finding[];
  passed: boolean;
  notes: string[];
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function listFiles(dir: string, pattern: RegExp): Promise<string[]> {
  if (!(await exists(dir))) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export async function runGate(options: GateOptions = {}): Promise<GateReport> {
  const electronVersion = options.electronVersion ?? installedElectronVersion();
  const outDir = path.resolve(REPO_ROOT, options.outDir ?? 'dist/electron');
  const rendererDir = path.resolve(REPO_ROOT, options.rendererDir ?? 'dist/renderer');
  const stagingDir = path.resolve(REPO_ROOT, options.stagingDir ?? 'test-results/electronegativity/staging');
  const sourcesDir = path.resolve(REPO_ROOT, options.sourcesDir ?? 'electron');
  const notes: string[] = [];

  // Release bundles on disk, plus source maps of the very same code in memory.
  const released = await buildElectron({ outDir, sourcemap: false, write: true });
  const mapped = await buildElectron({ outDir, sourcemap: true, write: false });

  await rm(stagingDir, { recursive: true, force: true });
  await mkdir(stagingDir, { recursive: true });
  const bundles: StagedBundle[] = [];
  for (const { bundle, code } of released) {
    const twin = mapped.find((m) => m.bundle.name === bundle.name);
    if (!twin?.map || twin.code !== code)
      throw new Error(`source-mapped build of ${bundle.name} differs from the release build`);
    const stagedFile = path.join(stagingDir, `${bundle.name}.js`);
    await writeFile(stagedFile, code);
    bundles.push({ stagedFile, outfile: bundle.outfile, map: new SourceMap(JSON.parse(twin.map) as SourceMapPayload) });
  }
  await cp(path.join(REPO_ROOT, 'package.json'), path.join(stagingDir, 'package.json'));
  const rendererPresent = await exists(path.join(rendererDir, 'index.html'));
  if (rendererPresent) {
    await cp(rendererDir, path.join(stagingDir, 'renderer'), {
      recursive: true,
      filter: (source) => !source.endsWith('.map'),
    });
    // With `build.sourcemap: 'hidden'` Vite writes maps without referencing them from the bundle;
    // when they exist, renderer findings map back to renderer/*.ts and inline suppressions there count.
    for (const file of await listFiles(rendererDir, /\.js$/)) {
      const mapText = await readFile(`${file}.map`, 'utf8').catch(() => null);
      if (mapText === null) continue;
      const stagedFile = path.join(stagingDir, 'renderer', path.relative(rendererDir, file));
      bundles.push({ stagedFile, outfile: file, map: new SourceMap(JSON.parse(mapText) as SourceMapPayload) });
    }
  } else {
    notes.push(
      'dist/renderer not found: the built scan covers main, preload and server only (run `npm run build:renderer` first for the full app).',
    );
  }

  const builtExclusions = rendererPresent
    ? [NETWORK_CHECK_EXCLUSION]
    : [
        NETWORK_CHECK_EXCLUSION,
        { ...CSP_SOURCES_EXCLUSION, reason: 'no renderer build to carry a CSP; ' + CSP_SOURCES_EXCLUSION.reason },
      ];
  const built = await scanForGate(stagingDir, { name: 'built', exclude: builtExclusions, electronVersion, bundles });
  const sources = await scanForGate(sourcesDir, {
    name: 'sources',
    exclude: [NETWORK_CHECK_EXCLUSION, CSP_SOURCES_EXCLUSION],
    electronVersion,
  });

  const directives: (Directive & { file: string })[] = [];
  const problems: DirectiveProblem[] = [];
  // Directives are linted wherever they can take effect: electron/ (scanned directly) and renderer/
  // (reached through the renderer's source maps).
  const directiveFiles = [
    ...(await listFiles(sourcesDir, /\.tsx?$/)),
    ...(await listFiles(path.join(REPO_ROOT, 'renderer'), /\.tsx?$/)),
  ];
  for (const file of directiveFiles) {
    const rel = relative(file);
    const found = findDirectives(await readFile(file, 'utf8'));
    directives.push(...found.map((d) => ({ ...d, file: rel })));
    problems.push(...directiveProblems(rel, found));
  }

  const scans = [built, sources];
  const blocking = scans.flatMap((scan) => scan.findings.filter(isBlocking));
  const parseErrors = scans.flatMap((scan) => scan.parseErrors);
  return {
    electronVersion,
    scans,
    directiveProblems: problems,
    directives,
    blocking,
    passed: blocking.length === 0 && parseErrors.length === 0 && problems.length === 0,
    notes,
  };
}

// ---- Reports -------------------------------------------------------------------------------------

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  INFORMATIONAL: 'note',
};

export function toSarif(report: GateReport): string {
  const runs = report.scans.map((scan) => {
    const ruleIds = [...new Set(scan.findings.map((f) => f.checkId))].sort();
    return {
      tool: {
        driver: {
          name: 'Electronegativity',
          informationUri: 'https://github.com/doyensec/electronegativity',
          rules: ruleIds.map((id) => ({ id, helpUri: `https://github.com/doyensec/electronegativity/wiki/${id}` })),
        },
      },
      automationDetails: { id: `electronegativity/${scan.name}` },
      invocations: [
        {
          executionSuccessful: scan.parseErrors.length === 0,
          toolExecutionNotifications: scan.parseErrors.map((e) => ({
            level: 'error',
            message: { text: `could not parse ${e.file}: ${e.message}` },
          })),
          properties: { excludedChecks: scan.excluded, electronVersion: report.electronVersion },
        },
      ],
      results: scan.findings.map((f) => {
        const location =
          f.origin && !f.origin.file.startsWith('..')
            ? f.origin
            : f.file === 'N/A'
              ? null
              : { file: f.file, line: f.line };
        return {
          ruleId: f.checkId,
          level: SARIF_LEVEL[f.severity],
          message: { text: f.description || f.checkId },
          locations: location
            ? [
                {
                  physicalLocation: {
                    artifactLocation: { uri: location.file },
                    region: { startLine: Math.max(1, location.line) },
                  },
                },
              ]
            : [],
          properties: {
            severity: f.severity,
            confidence: f.confidence,
            manualReview: f.manualReview,
            scannedFile: f.file,
            scannedLine: f.line,
          },
          ...(f.suppressedBy
            ? { suppressions: [{ kind: 'inSource', justification: f.suppressedBy.justification }] }
            : {}),
        };
      }),
    };
  });
  return JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs }, null, 2);
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(report: GateReport): string {
  const header = [
    'scan',
    'check',
    'severity',
    'confidence',
    'manual_review',
    'file',
    'line',
    'column',
    'origin',
    'status',
    'description',
  ];
  const rows = report.scans.flatMap((scan) =>
    scan.findings.map((f) => [
      scan.name,
      f.checkId,
      f.severity,
      f.confidence,
      f.manualReview ? 'yes' : 'no',
      f.file,
      f.line,
      f.column,
      f.origin ? `${f.origin.file}:${f.origin.line}` : '',
      f.suppressedBy
        ? `suppressed at ${f.suppressedBy.file}:${f.suppressedBy.line}`
        : isBlocking(f)
          ? 'BLOCKING'
          : 'ok',
      f.description,
    ]),
  );
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

export function formatTable(report: GateReport): string {
  const lines: string[] = [`Electronegativity gate (Electron ${report.electronVersion})`];
  for (const scan of report.scans) {
    lines.push('', `[${scan.name}] ${scan.input} — ${scan.checksRun} checks, ${scan.findings.length} findings`);
    for (const excluded of scan.excluded) lines.push(`  excluded ${excluded.id}: ${excluded.reason}`);
    const rows = [...scan.findings].sort(
      (a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.checkId.localeCompare(b.checkId),
    );
    for (const f of rows) {
      const where = f.file === 'N/A' ? '(app-wide)' : `${f.file}:${f.line}:${f.column}`;
      const origin = f.origin ? ` ← ${f.origin.file}:${f.origin.line}` : '';
      const status = f.suppressedBy ? 'suppressed' : isBlocking(f) ? 'BLOCKING' : f.manualReview ? 'review' : 'info';
      lines.push(
        `  ${status.padEnd(10)} ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.checkId.padEnd(40)} ${where}${origin}`,
      );
    }
    for (const e of scan.parseErrors) lines.push(`  PARSE-ERROR ${e.file}: ${e.message}`);
  }
  if (report.directives.length > 0) {
    lines.push('', 'Inline suppressions in effect:');
    for (const d of report.directives)
      lines.push(`  ${d.file}:${d.line} ${d.checks.join(', ')} — ${d.justification ?? '(no justification)'}`);
  }
  for (const p of report.directiveProblems) lines.push(`  SUPPRESSION ${p.file}:${p.line}: ${p.problem}`);
  for (const note of report.notes) lines.push('', `note: ${note}`);
  lines.push(
    '',
    report.passed
      ? 'PASS: no unsuppressed HIGH or MEDIUM findings.'
      : `FAIL: ${report.blocking.length} blocking finding(s), ${report.scans.reduce((n, s) => n + s.parseErrors.length, 0)} parse error(s), ${report.directiveProblems.length} suppression problem(s).`,
  );
  return lines.join('\n');
}

export async function writeReports(
  report: GateReport,
  dir = path.join(REPO_ROOT, 'test-results', 'electronegativity'),
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const sarif = path.join(dir, 'electronegativity.sarif');
  const csv = path.join(dir, 'electronegativity.csv');
  await writeFile(sarif, toSarif(report));
  await writeFile(csv, toCsv(report));
  return [sarif, csv];
}

async function main(): Promise<void> {
  const report = await runGate();
  const written = await writeReports(report);
  console.log(formatTable(report));
  console.log(`\nreports: ${written.map((file) => path.relative(REPO_ROOT, file)).join(', ')}`);
  process.exitCode = report.passed ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
