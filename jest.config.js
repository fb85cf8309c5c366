/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/__tests__/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The built-in platforms are registered before each test file, as the CLI and the app do.
  setupFiles: ['<rootDir>/__tests__/helpers/register-platforms.ts'],
  testTimeout: 60000,
  // One temporary folder per run, removed after it: tests leave nothing in the temp folder.
  globalSetup: '<rootDir>/scripts/jest-temp-setup.js',
  globalTeardown: '<rootDir>/scripts/jest-temp-teardown.js',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
