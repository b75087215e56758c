// `npm run lint`: TypeScript and React hooks rules, and the import boundaries of the source tree.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const features = readdirSync(fileURLToPath(new URL('./src/features', import.meta.url)), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// Code flows one way: shared code (components, lib, config, types, utils) -> features -> app.
// A feature never reaches into another feature: what two features need lives in shared code,
// and what ties features together (the shell, the router, the live updates) lives in src/app.
const boundaries = [
  ...features.map((feature) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`],
    message: 'A feature does not import another feature: move what both need to shared code, or compose them in src/app.',
  })),
  {
    target: './src/features',
    from: './src/app',
    message: 'Features do not import the app: the app imports them.',
  },
  {
    target: ['./src/components', './src/lib', './src/config', './src/types', './src/utils'],
    from: ['./src/features', './src/app'],
    message: 'Shared code does not import features or the app: pass what it needs as props or arguments.',
  },
];

// The page's routes are written once, in src/config/paths.ts; everything else links through it.
const ROUTE = '^\\/(import|imports|keys|data|cards|settings|webhooks|sign-in|sign-up)(\\/|\\?|$)';
const routeLiterals = {
  selector: `:matches(Literal[value=/${ROUTE}/], TemplateElement[value.raw=/${ROUTE}/])`,
  message: 'Route strings live in src/config/paths.ts: use paths.* or its path builders.',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'e2e/node_modules/', 'src/types/api.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // The two rules of hooks; the React Compiler's rules (also in the plugin's preset) are for
      // code built with the compiler, which this page is not.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      // `_name` says "deliberately unused" (a destructured field left out, an ignored argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/config/paths.ts', 'src/**/*.test.{ts,tsx}', 'src/testing/**'],
    rules: { 'no-restricted-syntax': ['error', routeLiterals] },
  },
  {
    files: ['*.js', '*.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // Browser tests: node scripts, whose page.evaluate() callbacks run in the page.
    files: ['e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
