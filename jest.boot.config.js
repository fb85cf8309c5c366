/**
 * The boot tests (`npm run test:boot`, README "Boot tests"): qemu guests of the synthesized
 * user-data, one file, run alone (they start at most two guests at once on their own).
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/__tests__/boot/**/*.boot.ts'],
  testTimeout: 60 * 60 * 1000,
  maxWorkers: 1,
};
