// Every JSON answer of an app under test is checked against the app's own OpenAPI document
// (the one /api/docs-json serves): the operation is found by method and route, then the status
// must be documented and the body must match its schema. A mismatch replaces the answer with a
// 500 naming what differs, so the spec that made the request fails there; the violations are
// also kept, and TestApi.close() fails the suite with them.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { apiDocumentOf } from '../../src/bootstrap.js';

// ajv-formats ships CommonJS: under ESM its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * OpenAPI 3.0's `nullable` (null allowed besides the schema) as JSON Schema says it: null, or
 * the schema. ajv's own `nullable` does not reach into `allOf`/`$ref` (how Nest documents a
 * nullable object) nor past an `enum` without null.
 */
function nullableAsAnyOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableAsAnyOf);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = nullableAsAnyOf(value);
  if (out.nullable === true) {
    const { nullable: _nullable, description, ...rest } = out;
    return { description, anyOf: [{ type: 'null' }, rest] };
  }
  return out;
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export function validateAnswers(app: NestFastifyApplication): { violations: string[] } {
  const document = apiDocumentOf(app) as unknown as { paths: Record<string, Record<string, Operation>>; components: unknown };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'api', components: nullableAsAnyOf(document.components) });
  const compiled = new Map<string, ValidateFunction>();
  const violations: string[] = [];

  const operationOf = (method: string, route: string): Operation | undefined => {
    // Fastify's /api/v1/clients/:id is OpenAPI's /api/v1/clients/{id}.
    const path = route.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/$/, '');
    return document.paths[path]?.[method.toLowerCase()];
  };

  app.getHttpAdapter().getInstance().addHook('onSend', (request, reply, payload, done) => {
    const contentType = String(reply.getHeader('content-type') ?? '');
    const route = request.routeOptions?.url;
    const operation = route ? operationOf(request.method, route) : undefined;
    if (!operation || !contentType.startsWith('application/json') || typeof payload !== 'string') {
      done(null, payload);
      return;
    }
    const status = String(reply.statusCode);
    const key = `${request.method} ${route} ${status}`;
    const response = operation.responses[status];
    let problem: string | null = null;
    if (!response) problem = `status ${status} is not documented`;
    else {
      const schema = response.content?.['application/json']?.schema;
      if (schema) {
        let validate = compiled.get(key);
        if (!validate) {
          validate = ajv.compile(nullableAsAnyOf(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"api#/components/'))) as object);
          compiled.set(key, validate);
        }
        if (!validate(JSON.parse(payload))) problem = ajv.errorsText(validate.errors, { dataVar: 'body' });
      }
    }
    if (!problem) {
      done(null, payload);
      return;
    }
    const message = `answer of ${key} does not match the OpenAPI document: ${problem}`;
    violations.push(message);
    reply.code(500);
    done(null, JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message, correlationId: String(request.id) }));
  });
  return { violations };
}
