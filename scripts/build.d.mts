/** Rebuilds the compiled server and the web app where a source is newer than the last build. */
export function buildIfStale(only?: 'server' | 'web app'): Promise<void>;
