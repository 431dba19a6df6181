// Lint rules that keep the house legible: the layout of DESIGN.md is enforced here (what each
// top-level folder may import), so a misplaced import fails `npm run check`, not a review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Bare builtin names go in `paths` (exact module names): as `patterns` they would also match our
// own folders of the same name (protocol/crypto).
const nodeBuiltinNames = [
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'http',
  'https',
  'zlib',
  'stream',
];
const nodeBuiltins = ['node:*'];

export default tseslint.config(
  { ignores: ['node_modules', '.output', '.wxt', 'dist', 'data', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        crypto: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        WebSocket: 'readonly',
        document: 'readonly',
        window: 'readonly',
        navigator: 'readonly',
        self: 'readonly',
        globalThis: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/consistent-type-assertions': [
        'error',
        { assertionStyle: 'as', objectLiteralTypeAssertions: 'never' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSAsExpression > TSAnyKeyword', message: 'Do not cast to any: validate instead.' },
      ],
    },
  },
  {
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltinNames.map((name) => ({
            name,
            message: 'protocol/ runs in browsers too: no Node APIs.',
          })),
          patterns: [
            { group: nodeBuiltins, message: 'protocol/ runs in browsers too: no Node APIs.' },
            {
              group: ['**/server/**', '**/host/**', '**/ui/**', '**/extension/**'],
              message: 'protocol/ imports nothing of ours.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['ui/**/*.{ts,tsx}', 'extension/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltinNames.map((name) => ({ name, message: 'Browser code: no Node APIs.' })),
          patterns: [
            { group: nodeBuiltins, message: 'Browser code: no Node APIs.' },
            {
              group: ['**/server/**', '**/host/**'],
              message: 'Browser code may import protocol/ and ui/ only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/pages/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/host/**', '**/extension/**'], message: 'server/ may import protocol/ only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['host/**/*.ts'],
    ignores: ['host/platform/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'x11', message: 'X11 code lives in host/platform/linux/.' },
            {
              name: 'koffi',
              message: 'FFI code lives in host/platform/ (Win32 in windows/, mmap in linux/).',
            },
          ],
          patterns: [
            {
              group: ['**/server/**', '**/extension/**', '**/ui/**'],
              message: 'host/ may import protocol/ only.',
            },
            {
              group: ['**/platform/linux/**', '**/platform/*/**'],
              message: 'Core host code reaches platforms through host/platform/registry.ts only.',
            },
          ],
        },
      ],
    },
  },
);
