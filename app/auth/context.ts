import { createContext } from "react-router";
import type { Viewer } from "../services/sessions.server";

/** Per-request values that middleware puts on the router context for loaders and actions. */
export interface RequestInfo {
  requestId: string;
  ip: string;
  userAgent: string;
  /** CSP nonce for the scripts React Router renders ("" when no server sets one, as in `dev`). */
  nonce: string;
}

export const requestInfoContext = createContext<RequestInfo>({ requestId: "-", ip: "", userAgent: "", nonce: "" });

/** The signed-in account, or `null`. Set by the root middleware for every request. */
export const viewerContext = createContext<Viewer | null>(null);
