// The lint step (`npm run lint`, part of `npm test` and CI). Besides a few plain rules it keeps the
// architecture a rule rather than a habit (README, "Adding a capability"):
//   - core uses no capability: src/core/** imports only src/core/** and src/config.ts;
//   - bot files hold no SQL: no drizzle-orm, no table values, no `sql` templates, no query calls;
//   - only a capability's index.ts and its other bot files import its bot files (a service, a
//     renderer or an HTTP route never reaches into the dialogue).
import path from 'node:path';
import tseslint from 'typescript-eslint';

const SRC = path.resolve('src');
const BOT_FILE = /^(bot(-[a-z0-9-]+)?|[a-z0-9-]+-bot)\.ts$/;
const QUERY_METHODS = new Set(['execute', 'select', 'selectDistinct', 'insert', 'rows', 'transaction']);
const WRITE_METHODS = new Set(['update', 'delete']);

/** The folder under src/ a file is in ('core', 'attendance', …), or '' for files at src/ itself. */
function areaOf(file) {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : '';
}

function resolveImport(context, source) {
  if (!source.startsWith('.')) return null;
  return path.resolve(path.dirname(context.filename), source.replace(/\.js$/, '.ts'));
}

const isBotFile = (file) => BOT_FILE.test(path.basename(file));

const sis = {
  rules: {
    'core-uses-no-capability': {
      meta: { type: 'problem', messages: { banned: 'core may not import a capability ({{target}}): give core an interface and let the capability fill it (see src/core/capability.ts)' } },
      create(context) {
        if (areaOf(context.filename) !== 'core') return {};
        const check = (node) => {
          const target = resolveImport(context, node.source.value);
          if (!target) return;
          const area = areaOf(target);
          const allowed = area === 'core' || target === path.join(SRC, 'config.ts');
          if (!allowed) context.report({ node, messageId: 'banned', data: { target: path.relative(SRC, target) } });
        };
        return { ImportDeclaration: check, ExportAllDeclaration: (n) => n.source && check(n), ExportNamedDeclaration: (n) => n.source && check(n) };
      },
    },
    'no-sql-in-bot': {
      meta: { type: 'problem', messages: { sql: 'bot files hold no SQL ({{what}}): put the query in the capability\'s service and call it' } },
      create(context) {
        const area = areaOf(context.filename);
        if (!area || area === 'core' || !isBotFile(context.filename)) return {};
        const report = (node, what) => context.report({ node, messageId: 'sql', data: { what } });
        return {
          ImportDeclaration(node) {
            const source = node.source.value;
            if (source === 'drizzle-orm' || source.startsWith('drizzle-orm/')) return report(node, `import from ${source}`);
            if (/(^|\/)schema\.js$/.test(source) && node.importKind !== 'type') {
              const values = node.specifiers.filter((s) => s.type === 'ImportSpecifier' && s.importKind !== 'type');
              if (values.length > 0) report(node, `table values from ${source}`);
            }
          },
          TaggedTemplateExpression(node) {
            if (node.tag.type === 'Identifier' && node.tag.name === 'sql') report(node, 'a sql`…` template');
          },
          CallExpression(node) {
            const callee = node.callee;
            if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
            const method = callee.property.name;
            const receiver = callee.object;
            const dbLike =
              (receiver.type === 'Identifier' && /^(db|tx|ex|database)$/.test(receiver.name)) ||
              (receiver.type === 'MemberExpression' && receiver.property.type === 'Identifier' && /^(db|database)$/.test(receiver.property.name));
            if (dbLike && (QUERY_METHODS.has(method) || WRITE_METHODS.has(method))) report(node, `.${method}() on the database`);
          },
        };
      },
    },
    'bot-files-stay-in-the-bot': {
      meta: { type: 'problem', messages: { banned: '{{file}} imports the bot file {{target}}: move what it needs into a service or renderer both can import' } },
      create(context) {
        const file = context.filename;
        const area = areaOf(file);
        if (area === null || isBotFile(file) || path.basename(file) === 'index.ts') return {};
        return {
          ImportDeclaration(node) {
            const target = resolveImport(context, node.source.value);
            if (!target || areaOf(target) === 'core' || !isBotFile(target)) return;
            if (node.importKind === 'type') return;
            context.report({ node, messageId: 'banned', data: { file: path.relative(SRC, file), target: path.relative(SRC, target) } });
          },
        };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'migrations/**', 'data/**', 'dist/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
    plugins: { sis, '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-debugger': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'sis/core-uses-no-capability': 'error',
      'sis/no-sql-in-bot': 'error',
      'sis/bot-files-stay-in-the-bot': 'error',
    },
  },
);
