export * from './accounts.js';
export * from './csat.js';
export * from './spam.js';
export * from './tickets.js';
