import { redirect } from "react-router";
import { getViewer, homeOf } from "../auth/guards.server";
import type { Route } from "./+types/home";

/** The username decided the side at login; `/` just sends each account home. */
export function loader({ context }: Route.LoaderArgs) {
  const viewer = getViewer(context);
  throw redirect(viewer ? homeOf(viewer) : "/login");
}
