// Fastify's reply serializer, remembering the JSON of frozen objects. The reconciliation cache
// hands out deep-frozen answers shared by every request that hits it; a frozen object cannot
// change, so its JSON is computed once and reused for as long as the object lives (a WeakMap:
// it goes when the cache drops the entry). Anything else is serialised as usual.
// Measured: JSON.stringify was 14% of the API's CPU on the cached client list (50 rows).
const jsonOfFrozen = new WeakMap<object, string>();

export function serializeReply(payload: unknown): string {
  if (payload !== null && typeof payload === 'object' && Object.isFrozen(payload)) {
    let json = jsonOfFrozen.get(payload);
    if (json === undefined) {
      json = JSON.stringify(payload);
      jsonOfFrozen.set(payload, json);
    }
    return json;
  }
  return JSON.stringify(payload);
}
