export { startMailboxWatchers } from './mailbox-watchers.js';
export { registerMailboxRoutes } from './mailboxes.routes.js';
