// @ts-check
/**
 * ESLint rule: the import table of architecture.md §2, as a lint error.
 * Each file belongs to a layer by its path; each import resolves to a layer (or to a package);
 * the table says which layer may import which. Modelled on vscode's code-layering rule.
 */
import path from 'node:path';
import { builtinModules } from 'node:module';

const ROOT = path.resolve(import.meta.dirname, '../..');
const builtins = new Set(builtinModules);

/** @param {string} file */
function layerOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  if (rel.startsWith('shared/')) return 'shared';
  if (rel.startsWith('renderer/')) return 'renderer';
  if (rel.startsWith('electron/preload/')) return 'preload';
  if (rel.startsWith('electron/main/')) return 'main';
  if (rel.startsWith('electron/server/')) return 'server';
  if (rel === 'electron/cli.ts') return 'cli';
  return 'other';
}

/**
 * What each layer may import. `packages`: npm packages allowed (true = any except node and
 * electron); `node`: node:* builtins; `electron`: the electron module.
 * @type {Record<string, {layers: string[], packages: boolean | string[], node: boolean, electron: boolean | string[], sharedOnly?: string[]}>}
 */
const RULES = {
  shared: { layers: ['shared'], packages: ['zod'], node: false, electron: false },
  renderer: { layers: ['shared', 'renderer'], packages: true, node: false, electron: false },
  preload: {
    layers: ['preload'],
    sharedOnly: ['shared/ipc.ts', 'shared/ipc'],
    packages: [],
    node: false,
    electron: true,
  },
  main: { layers: ['shared', 'main', 'server-entry'], packages: true, node: true, electron: true },
  server: { layers: ['shared', 'server'], packages: true, node: true, electron: false },
  cli: { layers: ['shared', 'server'], packages: true, node: true, electron: false },
};

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layer import table of architecture.md §2' },
    schema: [],
    messages: {
      forbidden: '{{from}} may not import {{what}} (architecture.md §2 import rules).',
    },
  },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    const rule = RULES[from];
    if (!rule) return {};

    /** @param {import('estree').Node} node @param {string} spec */
    function check(node, spec) {
      const report = (/** @type {string} */ what) =>
        context.report({ node, messageId: 'forbidden', data: { from, what } });
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = path.resolve(path.dirname(file), spec);
        const rel = path.relative(ROOT, target).split(path.sep).join('/');
        let to = layerOf(target);
        if (to === 'shared' && rule.sharedOnly) {
          if (!rule.sharedOnly.some((p) => rel === p || rel === p.replace(/\.ts$/, ''))) report(`'${rel}'`);
          return;
        }
        // Main may import the server's entry only (to know what to start), nothing deeper.
        if (from === 'main' && to === 'server')
          to = rel === 'electron/server/index' || rel === 'electron/server/index.ts' ? 'server-entry' : 'server';
        if (!rule.layers.includes(to)) report(`'${rel}' (${to})`);
        return;
      }
      const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
      if (spec.startsWith('node:') || builtins.has(bare.split('/')[0] ?? '')) {
        if (!rule.node) report(`Node built-in '${spec}'`);
        return;
      }
      if (spec === 'electron' || spec.startsWith('electron/')) {
        if (!rule.electron) report(`'${spec}'`);
        return;
      }
      if (Array.isArray(rule.packages)) {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        if (!rule.packages.includes(pkg)) report(`package '${spec}'`);
      }
    }

    return {
      ImportDeclaration: (node) => check(node, String(node.source.value)),
      ExportAllDeclaration: (node) => check(node, String(node.source.value)),
      ExportNamedDeclaration: (node) => {
        if (node.source) check(node, String(node.source.value));
      },
      ImportExpression: (node) => {
        if (node.source.type === 'Literal' && typeof node.source.value === 'string') check(node, node.source.value);
      },
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          const arg = node.arguments[0];
          if (arg && arg.type === 'Literal' && typeof arg.value === 'string') check(node, arg.value);
        }
      },
    };
  },
};
