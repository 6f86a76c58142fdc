#!/usr/bin/env node
// `clearline start | worker | migrate`: runs the server compiled to JavaScript (dist/server), after
// rebuilding whatever is older than its sources (nothing, usually: `npm install` built it).
import { buildIfStale } from '../scripts/build.mjs';

await buildIfStale();
await import('../dist/server/main.js');
