/**
 * Bundles the desktop shell with esbuild (`npm run build:electron`):
 *   electron/main/index.ts            → dist/electron/main.cjs     (Electron main)
 *   electron/preload/index.ts         → dist/electron/preload.cjs  (sandboxed preload: ONE file, only 'electron' external)
 *   electron/server/utility-entry.ts  → dist/electron/server.cjs   (workspace server in a utilityProcess)
 *
 * CommonJS because a sandboxed preload must be a single classic script, and because Electron's
 * main and utility processes load .cjs without any ESM loader questions. Native modules stay
 * external: they are loaded from node_modules (app.asar.unpacked when packaged) at runtime.
 * Not minified: a release gains little from it, and Electronegativity reads literal `true`/`false`
 * in webPreferences (minified `!0` would turn into false findings) — tools/electronegativity-gate.ts
 * scans these very bundles.
 *
 * Native modules and `npm start` (architecture.md §5), a note for the launcher:
 * `npm install` builds better-sqlite3-multiple-ciphers (and keytar) for Node's ABI; tests and
 * browser mode use that build, and nothing here may overwrite it. electron-builder rebuilds a copy
 * for Electron's ABI inside the package (`npmRebuild: true`). For `npm start` with an Electron
 * binary present, keep a SECOND, Electron-ABI build outside node_modules' own build directory, e.g.
 *   npx @electron/rebuild --only better-sqlite3-multiple-ciphers --module-dir <tmp copy of the package>
 *   → copy its build/Release/better_sqlite3.node to .cache/electron-native/<electron version>/better_sqlite3.node
 * and have the server open the database with better-sqlite3's `nativeBinding` option pointing at
 * that file (`new Database(file, { nativeBinding })`), passed down only when running under Electron
 * (`process.versions.electron` is set in the utility process). keytar has no such option: load it
 * through `createRequire` from the Electron-ABI copy's directory, or let the secret store fall back
 * to memory in dev. (@electron/rebuild is not a dependency yet; the launcher may shell out to
 * electron-builder's `install-app-deps` only against a copied tree, never against ./node_modules.)
 */
import { build, type BuildOptions, type OutputFile } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Native addons: never bundled (they are .node binaries), rebuilt for Electron at packaging. */
export const NATIVE_MODULES = ['better-sqlite3-multiple-ciphers', 'keytar'] as const;

export interface ElectronBundle {
  name: 'main' | 'preload' | 'server';
  entry: string;
  outfile: string;
  external: readonly string[];
}

export function electronBundles(outDir: string): ElectronBundle[] {
  return [
    {
      name: 'main',
      entry: 'electron/main/index.ts',
      outfile: path.join(outDir, 'main.cjs'),
      external: ['electron', ...NATIVE_MODULES],
    },
    // The preload may reach nothing but 'electron' at runtime (sandboxed require); everything else is inlined.
    {
      name: 'preload',
      entry: 'electron/preload/index.ts',
      outfile: path.join(outDir, 'preload.cjs'),
      external: ['electron'],
    },
    // The server must not load 'electron'; marking it external here would only hide a layering bug, so it is not.
    {
      name: 'server',
      entry: 'electron/server/utility-entry.ts',
      outfile: path.join(outDir, 'server.cjs'),
      external: [...NATIVE_MODULES],
    },
  ];
}

export interface BuildElectronOptions {
  outDir?: string;
  /** Release builds ship without source maps; the Electronegativity gate asks for external ones in memory. */
  sourcemap?: boolean;
  /** false: return the output files instead of writing them. */
  write?: boolean;
}

export interface BuiltBundle {
  bundle: ElectronBundle;
  /** The JavaScript exactly as written to `bundle.outfile`. */
  code: string;
  /** The external source map (JSON text) when `sourcemap` was requested. */
  map: string | null;
}

function esbuildOptions(bundle: ElectronBundle, sourcemap: boolean): BuildOptions {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: [bundle.entry],
    outfile: bundle.outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Node 20 APIs, ES2021 syntax: Electronegativity walks the AST with estraverse, which cannot
    // traverse ES2022 class private members (`#x`, used by openid-client's dependencies); it then
    // reports a parse error and scans nothing in that file. esbuild lowers them (WeakMap helpers),
    // so the code that ships is exactly the code the gate scans.
    target: ['node20', 'es2021'],
    external: [...bundle.external],
    // 'external' writes a .map beside the bundle but adds no sourceMappingURL comment, so the JS is
    // byte-identical to a release build; the gate relies on that.
    sourcemap: sourcemap ? 'external' : false,
    sourcesContent: false,
    minify: false,
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
  };
}

function pick(files: readonly OutputFile[], suffix: string): OutputFile | undefined {
  return files.find((file) => file.path.endsWith(suffix));
}

export async function buildElectron(options: BuildElectronOptions = {}): Promise<BuiltBundle[]> {
  const outDir = path.resolve(REPO_ROOT, options.outDir ?? 'dist/electron');
  const sourcemap = options.sourcemap ?? false;
  const write = options.write ?? true;
  const results: BuiltBundle[] = [];
  for (const bundle of electronBundles(outDir)) {
    const result = await build(esbuildOptions(bundle, sourcemap));
    const js = pick(result.outputFiles ?? [], '.cjs');
    if (!js) throw new Error(`esbuild produced no output for ${bundle.entry}`);
    const map = sourcemap ? (pick(result.outputFiles ?? [], '.cjs.map')?.text ?? null) : null;
    if (write) {
      await mkdir(path.dirname(bundle.outfile), { recursive: true });
      await writeFile(bundle.outfile, js.contents);
    }
    results.push({ bundle, code: js.text, map });
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  buildElectron()
    .then((built) => {
      for (const { bundle, code } of built)
        console.log(`${path.relative(REPO_ROOT, bundle.outfile)}  ${(code.length / 1024).toFixed(1)} KiB`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
