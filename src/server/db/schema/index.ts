export * from './accounts.js';
export * from './csat.js';
export * from './delivery.js';
export * from './discord.js';
export * from './notifications.js';
export * from './portal.js';
export * from './spam.js';
export * from './tickets.js';
