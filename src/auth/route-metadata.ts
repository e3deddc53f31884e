// Route metadata (@Access, @Public, @SkipRateLimit) read once per route, not on every request:
// the guards ask for it on each call, and Reflector's lookups (reflect-metadata, per handler
// and class) were a measurable share of the API's per-request CPU. Metadata is fixed once the
// application is built, so remembering it per (controller class, handler) is exact.
import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

type Handler = ReturnType<ExecutionContext['getHandler']>;
type Controller = ReturnType<ExecutionContext['getClass']>;

const remembered = new WeakMap<Controller, WeakMap<Handler, Map<string, unknown>>>();

/** reflector.getAllAndOverride(key, [handler, class]), remembered. */
export function routeMetadata<T>(reflector: Reflector, key: string, context: ExecutionContext): T | undefined {
  const controller = context.getClass();
  const handler = context.getHandler();
  let byHandler = remembered.get(controller);
  if (!byHandler) remembered.set(controller, (byHandler = new WeakMap()));
  let values = byHandler.get(handler);
  if (!values) byHandler.set(handler, (values = new Map()));
  if (!values.has(key)) values.set(key, reflector.getAllAndOverride<T>(key, [handler, controller]));
  return values.get(key) as T | undefined;
}
