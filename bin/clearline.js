#!/usr/bin/env node
// `clearline start | worker | migrate`: loads the TypeScript CLI through tsx in this same process,
// so signals reach it directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/server/main.ts');
