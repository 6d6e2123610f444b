/** The benchmark suites run by `npm run bench`; each area adds its own line. */
import type { BenchSuite } from './harness.js';

export const suites: BenchSuite[] = [];
