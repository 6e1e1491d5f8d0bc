import { redirect } from "react-router";
import { languageCookie } from "../auth/cookies.server";
import { safeRedirectPath } from "../auth/redirects";
import { isLanguage } from "../i18n/config";
import type { Route } from "./+types/set-language";

export function loader() {
  return redirect("/");
}

export async function action({ request }: Route.ActionArgs) {
  const form = await request.formData();
  const lng = form.get("lng");
  const back = safeRedirectPath(form.get("redirectTo"), "/");
  if (!isLanguage(lng)) return redirect(back);
  return redirect(back, { headers: { "Set-Cookie": await languageCookie().serialize(lng) } });
}
