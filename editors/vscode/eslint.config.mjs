import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // e2e/e2e.mjs runs in node, with callbacks evaluated in the page.
    files: ['e2e/**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', fetch: 'readonly', setTimeout: 'readonly', document: 'readonly', navigator: 'readonly' },
    },
  },
  {
    // e2e/inline-provider: a test-only VS Code extension, CommonJS.
    files: ['e2e/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
);
