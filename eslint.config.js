// Lint rules that matter here: promises are never dropped, type-only imports stay type-only,
// imports follow the house's drawing (docs/architecture.json: arrows, forbidden directions, no
// cycle), the compiler does no I/O, and forgeflow's own errors keep to the registered types.
import tseslint from 'typescript-eslint';
import architecture from './scripts/architecture/eslint-plugin.js';

// The page runs in the browser: its globals, and none of Node's. (The type-checker knows them
// from lib DOM too; this keeps eslint's own view of the page's scope right.)
const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'location',
    'history',
    'navigator',
    'sessionStorage',
    'localStorage',
    'fetch',
    'URL',
    'URLSearchParams',
    'Event',
    'console',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.bench-build/**',
      'node_modules/**',
      'coverage/**',
      'bin/**',
      'eslint.config.js',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // page/ is plain JavaScript checked through JSDoc (tsconfig.page.json: lib DOM, no Node).
    files: ['page/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: browserGlobals,
      parserOptions: {
        projectService: false,
        project: './tsconfig.page.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['src/**/*.ts', 'page/**/*.js'],
    plugins: { forgeflow: architecture },
    rules: { 'forgeflow/layers': 'error', 'forgeflow/no-import-cycle': 'error' },
  },
  {
    // forgeflow's own errors have the types of ERROR_TYPES, which the compiler checks;
    // HandlerError.custom, for a handler's own type, would get past it.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='HandlerError'][property.name='custom']",
          message:
            "forgeflow's own errors use a type of ERROR_TYPES (src/contracts/error-types.ts): new HandlerError(type, …).",
        },
      ],
    },
  },
  {
    files: ['src/compiler/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:child_process', 'pg'],
              message: 'src/compiler is pure: no I/O.',
            },
          ],
        },
      ],
    },
  },
);
