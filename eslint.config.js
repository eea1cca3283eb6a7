import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'coverage/', '.ci/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // ES modules on Node.js: its globals, without CommonJS's require, module and __dirname.
    languageOptions: { globals: globals.nodeBuiltin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Promises nobody waits for lose their errors, and an async callback where a plain one is
    // expected (an event handler) runs unawaited: these rules need the types.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['scripts/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // What bin/cronmon loads before knowing the Node.js version: CommonJS that Node.js 12 parses.
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2019, globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
