export * from './accounts.js';
export * from './csat.js';
export * from './mail.js';
export * from './notifications.js';
export * from './portal.js';
export * from './spam.js';
export * from './tickets.js';
