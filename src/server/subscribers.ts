import type { EventBus } from './lib/events.js';
import { onTicketStatusChanged } from './modules/csat/index.js';

/** Wires module subscribers to domain events; every process (web and worker) calls it once. */
export function subscribeAll(bus: EventBus): EventBus {
  bus.subscribe('ticket.status_changed', onTicketStatusChanged);
  return bus;
}
