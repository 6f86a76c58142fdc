export * from './accounts.js';
export * from './tickets.js';
