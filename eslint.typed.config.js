// Type-aware lint on top of eslint.config.js: `pnpm lint:typed`.
//
// Kept out of the default `pnpm lint` because it builds a TypeScript program per package
// (about 4x slower on 2 cores). It catches what syntax rules cannot: promises that are neither
// awaited nor returned (a GPU readback or an `expect(...).rejects` that silently never runs).
// Only files inside a package's tsconfig (src/, tests included) are checked this way.
import base from './eslint.config.js';

export default [
  ...base,
  {
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
];
