// The `clearline` command (bin/clearline.js runs its compiled form). `start` with WEB_CONCURRENCY > 1
// makes this process the cluster primary, which loads no app code (src/server/cluster.ts); every
// other command, `start` with WEB_CONCURRENCY=1, and each web worker run src/server/main.ts.
import cluster from 'node:cluster';
import { type Config, loadConfig } from './config.js';

function clusterConfig(): Config | null {
  if (process.argv[2] !== 'start' || !cluster.isPrimary) return null;
  try {
    const config = loadConfig();
    return config.webConcurrency > 1 ? config : null;
  } catch {
    return null; // main.ts reports the invalid setting.
  }
}

const config = clusterConfig();
if (config) await (await import('./cluster.js')).startCluster(config);
else await import('./main.js');
