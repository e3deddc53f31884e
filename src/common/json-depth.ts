// Request bodies nested deeper than any route takes are refused before validation:
// class-transformer recurses per level, and 2,000 levels of `[` overflowed its stack (a 500).
export const MAX_JSON_DEPTH = 32;

/** True when `value` has more than `max` levels of arrays/objects. Iterative: no recursion to overflow. */
export function exceedsDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Object.values(node as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** An error Fastify's error path answers as a 400 (see REQUEST_ERROR_MESSAGES). */
export function tooDeepError(): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(`Request body is nested too deeply (more than ${MAX_JSON_DEPTH} levels)`), {
    statusCode: 400, code: 'B1R_JSON_TOO_DEEP',
  });
}
