// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The demo pages' glue runs in a browser beside the reference client's or the SDK's globals.
    files: ['tools/demo/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        location: 'readonly',
        connectReferenceClient: 'readonly',
        referenceDial: 'readonly',
        TapiMessenger: 'readonly',
        byId: 'readonly',
        pageLog: 'readonly',
      },
    },
  },
  {
    // The reference page client runs as a classic script in pages (and in a vm in tests),
    // beside the SockJS and Stomp globals those pages load.
    files: ['test/fixtures/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { SockJS: 'readonly', Stomp: 'readonly', module: 'readonly' },
    },
  },
  {
    // The core owns its ports (directory, TapiServer link, call store, cluster) and the config
    // schema depends on nobody above it: neither imports an adapter or a shell.
    files: ['src/main/core/**/*.ts', 'src/main/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/stomp/**',
                '**/tapi/**',
                '**/directory/**',
                '**/dashboard/**',
                '**/shell/**',
                '**/cluster/**',
                '**/storage/**',
                '**/agent.js',
                'electron',
              ],
              message: 'The core defines the interfaces it needs; adapters implement them.',
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard runs in a sandboxed renderer and in a plain browser: it may only talk to
    // its bridge, never to Node or Electron. It imports its own files and src/shared (which it
    // shares with the main process), nothing else: no package, no main or preload module.
    files: ['src/renderer/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.)',
              message: 'The renderer talks only to its bridge: no packages, Node or Electron.',
            },
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer talks only to its bridge.',
            },
          ],
        },
      ],
    },
  },
  {
    // The browser SDK runs in APEX pages: no Node, no Electron; of the agent's own code only
    // the pure rules it shares with pages (destinations, number rules).
    files: ['src/sdk/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'electron/*'],
              message: 'The SDK runs in web pages.',
            },
            {
              regex: '/main/(?!core/(destinations|number-rules)\\.js$)',
              message: 'The SDK shares only the pure page-facing rules of the core.',
            },
          ],
          paths: ['fs', 'path', 'os', 'child_process', 'net', 'http', 'events', 'crypto'],
        },
      ],
    },
  },
);
