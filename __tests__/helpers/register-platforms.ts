/**
 * Jest setup (jest.config.js setupFiles): registers the built-in platforms before a test file
 * loads, as the CLI, the app and the package's entries do, so tests may import any module of the
 * core directly.
 */
import '../../platforms';
