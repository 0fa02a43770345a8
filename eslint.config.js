// `npm run lint`: bugs the compiler lets through, found with type information (typescript-eslint) in the
// server, tests, scripts and the SPA (.vue files through vue-eslint-parser). Style is Prettier's
// (`npm run format`), so no rule here is about layout.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';

export default defineConfig(
  { ignores: ['server/db/generated/**', 'dist/**', 'node_modules/**', 'test/snippets/golden/**', 'test/snippets/frame-originals/**'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  vue.configs['flat/essential'],
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        // Each file is checked with the tsconfig.json nearest to it (root, scripts/, web/); the config
        // files that no tsconfig includes get a default project.
        projectService: { allowDefaultProject: ['eslint.config.js', 'web/vite.config.ts', '.dependency-cruiser.cjs'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    rules: {
      // The reasons this config exists: a promise nobody awaits loses its error (an unhandled rejection
      // ends the process), and a promise where a boolean or a void callback is expected is always truthy.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() and describe() return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Type-only imports vanish from the emitted JS, so a type never drags a module (and its side effects)
      // into a bundle; dependency-cruiser also tells them apart.
      // `typeof import('undici')` types stay allowed: they name a module that is imported lazily on purpose.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],

      // Left out of typescript-eslint's recommended set, each for a reason:
      // an async function without await is how a Fastify plugin or an interface's method is written here;
      '@typescript-eslint/require-await': 'off',
      // a redundant assertion or union (`ErrorCode | string`) is noise, not a bug;
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // `let x; ...closure reads x...; x = await ...` is clearer than what prefer-const would make of it;
      'prefer-const': 'off',
      // escaping and stripping control characters is what the snippet and upstream code does on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests read JSON bodies as `any` and stringify values on purpose (a Secret's toString is the point of
    // its test); the no-any rules hold for the code that ships.
    files: ['test/**/*.ts', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    files: ['web/**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, sourceType: 'module' },
      globals: { ...globals.browser },
    },
    // The same rule inside templates, which the one above does not see.
    rules: { 'vue/eqeqeq': ['error', 'always', { null: 'ignore' }] },
  },
  {
    files: ['web/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Plain ES modules: the JSDoc-typed scripts are type-checked by scripts/tsconfig.json.
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.commonjs } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
