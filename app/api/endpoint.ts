import type { Kysely } from "kysely";
import type { z } from "zod";
import type { DB } from "../../db/schema";
import type { Viewer } from "../services/sessions.server";

/**
 * One API endpoint as data: the dispatcher routes and validates by it, and the OpenAPI document
 * and the console's reference page are generated from it.
 */
export interface ApiContext<B, Q> {
  db: Kysely<DB>;
  now: Date;
  request: Request;
  requestId: string;
  ip: string;
  /** null only on endpoints with `auth: "none"`. */
  viewer: Viewer | null;
  /** The bearer token behind the request; null for a cookie session or no auth. */
  tokenId: number | null;
  params: Record<string, string>;
  body: B;
  query: Q;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface Endpoint<B = any, Q = any> {
  method: HttpMethod;
  /** Below /api/v1, with `{name}` path parameters. */
  path: string;
  operationId: string;
  tag: "auth" | "catalog" | "orders" | "returns" | "funds" | "settings" | "meta";
  summary: string;
  description?: string;
  /** `token`: a bearer token (or a console session); `none`: open. */
  auth: "token" | "none";
  /** Who may call it, for the documentation (the handler enforces it). */
  access: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  success: { status: number; schema?: z.ZodType; description: string };
  /** Error statuses worth documenting besides 401/429/500, with their codes. */
  errors: Array<{ status: number; codes: string[] }>;
  handler(ctx: ApiContext<B, Q>): Promise<ApiResult>;
}

export const defineEndpoint = <B, Q>(endpoint: Endpoint<B, Q>): Endpoint<B, Q> => endpoint;
