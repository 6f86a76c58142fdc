#!/usr/bin/env node
// `clearline start | worker | migrate | …`: runs the server compiled to JavaScript (dist/server),
// after rebuilding whatever is older than its sources (nothing, usually: `npm install` built it).
// The web workers of a cluster run this file again; the primary has built already.
import cluster from 'node:cluster';

if (cluster.isPrimary) await (await import('../scripts/build.mjs')).buildIfStale();
await import('../dist/server/cli.js');
