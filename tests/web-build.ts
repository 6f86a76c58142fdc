import { buildIfStale } from '../scripts/build.mjs';

/**
 * Vitest global setup: the browser tests load the staff app from dist/web, and the process tests
 * run bin/clearline.js, which runs dist/server. Build both once, before any test file starts, when
 * missing or older than their sources (a no-op otherwise), so that no test file builds them.
 */
export default function buildIfNeeded() {
  return buildIfStale();
}
