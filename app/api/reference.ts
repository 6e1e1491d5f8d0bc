import { z } from "zod";
import type { Endpoint } from "./endpoint";

/**
 * The console's API reference, drawn from the same endpoint table and schemas as the OpenAPI
 * document: per endpoint its method, path, body fields (per action for the action endpoints),
 * query parameters and error codes. Plain data, so a loader can send it to the page.
 */
export interface ReferenceField {
  name: string;
  type: string;
  required: boolean;
}

export interface ReferenceEndpoint {
  operationId: string;
  tag: Endpoint["tag"];
  method: Endpoint["method"];
  path: string;
  open: boolean;
  success: number;
  /** One entry per variant: the action endpoints list each action's fields. */
  body: Array<{ variant: string | null; fields: ReferenceField[] }>;
  query: ReferenceField[];
  errors: Array<{ status: number; codes: string[] }>;
}

type Json = Record<string, any>;

function typeOf(schema: Json | undefined): string {
  if (!schema) return "any";
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  if (Array.isArray(schema.anyOf ?? schema.oneOf)) return (schema.anyOf ?? schema.oneOf).map(typeOf).join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items)}[]`;
  if (schema.type === "object" && schema.properties)
    return `{ ${Object.keys(schema.properties)
      .map((k) => `${k}${schema.required?.includes(k) ? "" : "?"}`)
      .join(", ")} }`;
  if (typeof schema.type === "string") return schema.type;
  return "any";
}

function fieldsOf(schema: Json): ReferenceField[] {
  return Object.entries((schema.properties ?? {}) as Record<string, Json>).map(([name, property]) => ({
    name,
    type: typeOf(property),
    required: (schema.required ?? []).includes(name),
  }));
}

function bodyOf(schema: z.ZodType | undefined): ReferenceEndpoint["body"] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: "input" }) as Json;
  const variants: Json[] | undefined = json.oneOf ?? json.anyOf;
  if (variants)
    return variants.map((v) => ({
      variant: v.properties?.action?.const ?? null,
      fields: fieldsOf(v).filter((f) => f.name !== "action"),
    }));
  return [{ variant: null, fields: fieldsOf(json) }];
}

export function describeEndpoints(endpoints: ReadonlyArray<Endpoint>): ReferenceEndpoint[] {
  return endpoints.map((e) => ({
    operationId: e.operationId,
    tag: e.tag,
    method: e.method,
    path: `/api/v1${e.path}`,
    open: e.auth === "none",
    success: e.success.status,
    body: bodyOf(e.body),
    query: e.query ? fieldsOf(z.toJSONSchema(e.query, { io: "input" }) as Json) : [],
    errors: e.errors,
  }));
}
