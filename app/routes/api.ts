import { serveApi } from "../api/serve.server";
import { requestInfoContext } from "../auth/context";
import { getViewer } from "../auth/guards.server";
import type { Route } from "./+types/api";

/**
 * /api/v1/* (API.md): a resource route that hands every request to the API's own dispatcher.
 * The root middleware has already refused a cookie-authenticated write without our Origin;
 * bearer-token requests carry no ambient credentials and pass that check. A bearer-token call
 * without a cookie does not come here at all: server.js hands it to serveApi directly
 * (app/api/fast-path.ts).
 */
function serve({ request, context }: Route.LoaderArgs | Route.ActionArgs) {
  const info = context.get(requestInfoContext);
  return serveApi(request, { requestId: info.requestId, ip: info.ip, sessionViewer: getViewer(context) });
}

export const loader = (args: Route.LoaderArgs) => serve(args);
export const action = (args: Route.ActionArgs) => serve(args);
