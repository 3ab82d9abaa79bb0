import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NETWORK_CHECK_EXCLUSION,
  availableCheckNames,
  directiveProblems,
  findDirectives,
  formatTable,
  isBlocking,
  runElectronegativity,
  runGate,
  scanForGate,
  toCsv,
  toSarif,
  type GateReport,
} from '../../../tools/electronegativity-gate';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
// Electronegativity and esbuild over real bundles: seconds, not milliseconds.
const SLOW = 180_000;

describe('Electronegativity gate', () => {
  it(
    'trips on a known-bad main process (nodeIntegration, no contextIsolation, no sandbox, http, no guards)',
    async () => {
      const result = await scanForGate(FIXTURES, {
        name: 'fixture',
        exclude: [NETWORK_CHECK_EXCLUSION],
        electronVersion: '45.4.1',
      });
      expect(result.parseErrors).toEqual([]);
      const blocking = result.findings.filter(isBlocking);
      const ids = new Set(blocking.map((f) => f.checkId));
      for (const id of [
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'WEB_SECURITY_JS_CHECK',
        'INSECURE_CONTENT_JS_CHECK',
        'HTTP_RESOURCES_JS_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      ]) {
        expect(ids, id).toContain(id);
      }
      expect(blocking.some((f) => f.severity === 'HIGH')).toBe(true);
      expect(blocking.find((f) => f.checkId === 'CONTEXT_ISOLATION_JS_CHECK')).toMatchObject({
        file: 'test/unit/electron/fixtures/bad-main.js',
        line: 11,
      });
    },
    SLOW,
  );

  it('refuses to pass an exclusion the tool does not know (it would process.exit otherwise)', async () => {
    expect(availableCheckNames()).toContain('CSPGlobalCheck');
    await expect(
      runElectronegativity(FIXTURES, { exclude: [{ id: 'NOPE', checkName: 'NopeCheck', reason: '' }] }),
    ).rejects.toThrow(/no check named NopeCheck/);
  });

  describe('on the real shell', () => {
    let tmp: string;
    let report: GateReport;

    beforeAll(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), 'attest-eng-'));
      // The shell alone: main, preload and server bundles plus electron/ sources. The renderer is
      // scanned by `npm run test:electronegativity` when dist/renderer exists.
      report = await runGate({
        outDir: path.join(tmp, 'dist-electron'),
        rendererDir: path.join(tmp, 'no-renderer'),
        stagingDir: path.join(tmp, 'staging'),
      });
    }, SLOW);

    afterAll(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    it('has no unsuppressed HIGH or MEDIUM finding, no parse error and no unjustified suppression', () => {
      expect(report.blocking, formatTable(report)).toEqual([]);
      expect(report.scans.flatMap((s) => s.parseErrors)).toEqual([]);
      expect(report.directiveProblems).toEqual([]);
      expect(report.passed).toBe(true);
    });

    it('scanned the three bundles and the sources', () => {
      expect(report.scans.map((s) => s.name)).toEqual(['built', 'sources']);
      expect(report.electronVersion).toBe('45.4.1');
    });

    it('honours the inline suppression of the one shell.openExternal through the source map', () => {
      const suppressed = report.scans[0]?.findings.filter((f) => f.suppressedBy) ?? [];
      expect(suppressed).toContainEqual(
        expect.objectContaining({
          checkId: 'OPEN_EXTERNAL_JS_CHECK',
          origin: expect.objectContaining({ file: 'electron/main/index.ts' }),
        }),
      );
    });

    it('writes SARIF and CSV with severities', () => {
      const sarif = JSON.parse(toSarif(report)) as {
        version: string;
        runs: { results: { properties: { severity: string } }[] }[];
      };
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs).toHaveLength(2);
      expect(toCsv(report).split('\n')[0]).toBe(
        'scan,check,severity,confidence,manual_review,file,line,column,origin,status,description',
      );
    });
  });
});

describe('suppression directives', () => {
  it('finds directives with their justification (trailing or the comment lines above)', () => {
    const text = [
      'const a = 1;',
      '// The only shell.openExternal; the URL was checked against the allowlist.',
      'shell.openExternal(href); /* eng-disable OPEN_EXTERNAL_JS_CHECK */',
      'new BrowserWindow({ /* eng-disable AUXCLICK_JS_CHECK */ // guarded by setWindowOpenHandler and will-navigate',
      'x(); /* eng-disable PRELOAD_JS_CHECK */',
    ].join('\n');
    expect(findDirectives(text)).toEqual([
      {
        line: 3,
        checks: ['OPEN_EXTERNAL_JS_CHECK'],
        justification: 'The only shell.openExternal; the URL was checked against the allowlist.',
      },
      { line: 4, checks: ['AUXCLICK_JS_CHECK'], justification: 'guarded by setWindowOpenHandler and will-navigate' },
      { line: 5, checks: ['PRELOAD_JS_CHECK'], justification: null },
    ]);
  });

  it('refuses unjustified and file-wide directives', () => {
    const problems = directiveProblems(
      'x.ts',
      findDirectives('/* eng-disable SANDBOX_JS_CHECK */\nfoo(); // eng-disable CSP_GLOBAL_CHECK'),
    );
    expect(problems.map((p) => p.problem)).toEqual([
      'file-wide eng-disable is not allowed; suppress inline',
      'eng-disable without a justification comment',
      'eng-disable without a justification comment',
    ]);
  });
});
