import { redirect } from "react-router";
import { requestInfoContext } from "../../auth/context";
import { sessionCookie } from "../../auth/cookies.server";
import { getViewer } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import { endSession, viewerActor } from "../../services/sessions.server";
import type { Route } from "./+types/logout";

// GET never changes anything: signing out is a POST from the user menu.
export function loader() {
  return redirect("/");
}

export async function action({ context }: Route.ActionArgs) {
  const viewer = getViewer(context);
  if (viewer) {
    const info = context.get(requestInfoContext);
    await endSession(getDatabase().db, viewer.sessionId, viewerActor(viewer, info), new Date());
  }
  return redirect("/login", { headers: { "Set-Cookie": await sessionCookie().serialize("", { maxAge: 0 }) } });
}
