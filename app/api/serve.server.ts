import { getDatabase } from "../db.server";
import { logger } from "../logger.server";
import type { Viewer } from "../services/sessions.server";
import { handleApi } from "./handler.server";

/** Hands one API request to the dispatcher, from the resource route or the server's fast path. */
export function serveApi(request: Request, who: { requestId: string; ip: string; sessionViewer: Viewer | null }) {
  return handleApi(request, {
    db: getDatabase().db,
    ...who,
    onError: (error, where) => logger.error({ err: error, ...where }, "api request failed"),
  });
}
