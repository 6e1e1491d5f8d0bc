import { z } from "zod";
import type { Endpoint } from "./endpoint";
import { PROBLEM_CONTENT_TYPE } from "./problem";
import { apiSchemas, ProblemSchema } from "./schemas";

/**
 * The OpenAPI 3.1 document, generated from the endpoint table and the zod schemas that
 * validate requests. OpenAPI 3.1 schemas are JSON Schema 2020-12, which is zod's default target.
 */
type JsonSchema = Record<string, unknown>;

const REF_PREFIX = "#/components/schemas/";

/** The registry's named schemas as components; `$schema` and `$id` are noise inside OpenAPI. */
function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiSchemas, { io: "input", uri: (id) => `${REF_PREFIX}${id}` }) as {
    schemas: Record<string, JsonSchema>;
  };
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema;
    out[id] = rest;
  }
  return out;
}

/** A named schema as a `$ref`; any other schema inline. */
function schemaRef(schema: z.ZodType): JsonSchema {
  const meta = apiSchemas.get(schema);
  if (meta?.id) return { $ref: `${REF_PREFIX}${meta.id}` };
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io: "input" }) as JsonSchema;
  return rest;
}

function queryParameters(schema: z.ZodType | undefined): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: "input" }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: "query",
      required: json.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const pathParameters = (path: string): JsonSchema[] =>
  [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string", minLength: 1 },
  }));

const problem = (description: string, headers?: JsonSchema) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `${REF_PREFIX}Problem` } } },
});

const STATUS_TEXT: Record<number, string> = {
  400: "The request is not valid",
  401: "No token, or an invalid, expired or revoked one",
  403: "Not permitted",
  404: "Not found, or not yours",
  409: "Conflict",
  422: "A business rule refused the request",
  429: "Too many requests",
  500: "Unexpected error (answered with a request id)",
};

function operation(endpoint: Endpoint): JsonSchema {
  const responses: Record<string, unknown> = {
    [String(endpoint.success.status)]: {
      description: endpoint.success.description,
      ...(endpoint.success.schema
        ? { content: { "application/json": { schema: schemaRef(endpoint.success.schema) } } }
        : endpoint.success.status === 204
          ? {}
          : { content: { "application/json": { schema: { type: "object" } } } }),
    },
  };
  for (const error of endpoint.errors) {
    responses[String(error.status)] = problem(`${STATUS_TEXT[error.status] ?? "Error"}: ${error.codes.join(", ")}`);
  }
  if (endpoint.auth === "token") {
    responses["401"] ??= problem(`${STATUS_TEXT[401]}: unauthenticated, invalid_token`);
    responses["429"] ??= problem(`${STATUS_TEXT[429]}: rate_limited`, {
      "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } },
    });
  }
  responses["500"] = problem(STATUS_TEXT[500]!);
  const parameters = [...pathParameters(endpoint.path), ...queryParameters(endpoint.query)];
  return {
    operationId: endpoint.operationId,
    tags: [endpoint.tag],
    summary: endpoint.summary,
    description: [endpoint.description, `Who may call: ${endpoint.access}`].filter(Boolean).join("\n\n"),
    ...(endpoint.auth === "none" ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(endpoint.body
      ? { requestBody: { required: true, content: { "application/json": { schema: schemaRef(endpoint.body) } } } }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(endpoints: ReadonlyArray<Endpoint>): Record<string, unknown> {
  // Touch the problem schema so it is registered before the components are generated.
  void ProblemSchema;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of endpoints) {
    paths[endpoint.path] ??= {};
    paths[endpoint.path]![endpoint.method.toLowerCase()] = operation(endpoint);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Dinghuo (订货) API",
      version: "1.0.0",
      description:
        "Drive the distributor ordering portal from an ERP or a script. JSON in and out, UTF-8; money in integer fen; times ISO-8601 UTC. Errors are application/problem+json with a stable `code`. Lists take `cursor` and `limit` (1–500, default 50) and answer `{items, nextCursor}`.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: "auth", description: "Tokens and the caller" },
      { name: "catalog", description: "SKUs, prices, stock" },
      { name: "orders", description: "Orders (订货单) and their pipeline" },
      { name: "returns", description: "Returns (退货单) and their pipeline" },
      { name: "funds", description: "Fund accounts (资金账户) and ledgers" },
      { name: "settings", description: "Workflow settings" },
      { name: "meta", description: "This document" },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "A token from POST /auth/token, or an integration token from the console.",
        },
      },
      schemas: componentSchemas(),
    },
  };
}
