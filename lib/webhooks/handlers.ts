import type { ChangeHandler } from '@/lib/webhooks/processing';

// One handler per webhook field (reference §10, §13); a field without one is stored as `unhandled`.
const handlers: Record<string, ChangeHandler> = {};

export function handlerFor(field: string): ChangeHandler | undefined {
  return handlers[field];
}
