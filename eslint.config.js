// One lint setup for the whole monorepo: typescript-eslint's recommended rules plus the
// layering rule of the design (libs hold no transport code; services hold no model maths).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/rpc/**', 'libs/telemetry/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*', '**/services/**'], message: 'libs/ hold no transport code.' }] },
      ],
    },
  },
);
