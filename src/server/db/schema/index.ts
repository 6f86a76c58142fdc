export * from './accounts.js';
export * from './tickets.js';
export * from './spam.js';
