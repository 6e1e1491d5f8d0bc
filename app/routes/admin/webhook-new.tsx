import { data, Link } from "react-router";
import { buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { useActionResult } from "../../components/use-action-result";
import { EndpointForm, type EndpointFormValues, SecretOnce } from "../../components/webhook-ui";
import { getDatabase } from "../../db.server";
import { typedEndpointValues, webhookEndpointSchema } from "../../forms/webhook-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { createEndpoint } from "../../services/webhooks.server";
import type { Route } from "./+types/webhook-new";
import { requireWebhookAdmin } from "./webhook-guard.server";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requireWebhookAdmin(request, context);
  const t = getI18n(context).t;
  return { title: `${t("webhooks.newTitle")} · ${t("app.name")}` };
}

type ActionData =
  | { fieldErrors: Record<string, string>; values: EndpointFormValues }
  | { created: { id: number; url: string }; secret: string };

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requireWebhookAdmin(request, context);
  const form = await request.formData();
  const values = typedEndpointValues(form);
  const parsed = parseForm(webhookEndpointSchema, form);
  if (!parsed.ok) return data<ActionData>({ fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  const result = await createEndpoint(getDatabase().db, actor, parsed.data, new Date());
  if (!result.ok) {
    const fieldErrors = result.error === "invalid" ? result.fieldErrors : {};
    return data<ActionData>({ fieldErrors, values }, { status: 400 });
  }
  // The secret goes back in this response only; it is never readable again.
  return data<ActionData>({ created: { id: result.id, url: parsed.data.url }, secret: result.secret ?? "" });
}

const EMPTY: EndpointFormValues = { url: "", description: "", events: [], active: true };

export default function WebhookNew({ actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  if (actionData && "created" in actionData) {
    return (
      <>
        <PageHeader title={t("webhooks.newTitle")} />
        <Card className="max-w-2xl space-y-4">
          <Notice tone="success">{t("webhooks.created")}</Notice>
          <p className="break-all font-mono text-sm text-slate-700">{actionData.created.url}</p>
          <SecretOnce secret={actionData.secret} />
          <div className="flex flex-wrap gap-2">
            <Link to={`/admin/settings/webhooks/${actionData.created.id}`} className={buttonClass("primary")}>
              {t("webhooks.openEndpoint")}
            </Link>
            <Link to="/admin/settings/webhooks" className={buttonClass("secondary")}>
              {t("webhooks.backToList")}
            </Link>
          </div>
        </Card>
      </>
    );
  }
  const failed = actionData && "fieldErrors" in actionData ? actionData : null;
  return (
    <>
      <PageHeader title={t("webhooks.newTitle")}>
        <Link to="/admin/settings/webhooks" className="text-sm text-slate-600 underline">
          {t("webhooks.backToList")}
        </Link>
      </PageHeader>
      <Card className="max-w-5xl">
        <EndpointForm
          defaultValues={failed?.values ?? EMPTY}
          serverErrors={failed?.fieldErrors}
          submitLabel={t("webhooks.create")}
        />
      </Card>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
