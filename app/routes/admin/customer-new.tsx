import { data, Form, Link, redirect, useNavigation } from "react-router";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { CustomerDetailsFields } from "../../components/customer-fields";
import { TextAreaField } from "../../components/fields";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { type NewCustomerValues, newCustomerSchema } from "../../forms/customer-form";
import { useZodForm } from "../../forms/use-zod-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { createCustomerForStaff, customerFormOptions } from "../../services/customers.server";
import type { Route } from "./+types/customer-new";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "customer.manage");
  const options = await customerFormOptions(getDatabase().db, viewer.grant);
  const t = getI18n(context).t;
  return { title: `${t("customers.newTitle")} · ${t("app.name")}`, options };
}

type ActionData =
  | { fieldErrors: Record<string, string>; values: Record<string, string> }
  | { created: { id: number; code: string; username: string }; generatedPassword: string };

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "customer.manage");
  const formData = await request.formData();
  // What was typed goes back to the page on failure, except the passwords.
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && key !== "password" && key !== "passwordConfirm") values[key] = value;
  }
  const parsed = parseForm(newCustomerSchema, formData);
  if (!parsed.ok) return data<ActionData>({ fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  const { passwordMode, password, passwordConfirm: _confirm, ...input } = parsed.data;
  const result = await createCustomerForStaff(
    getDatabase().db,
    { ...actorOf(viewer, context), grant: viewer.grant },
    { ...input, password: passwordMode === "generate" ? null : (password ?? "") },
    new Date(),
  );
  if (!result.ok) return data<ActionData>({ fieldErrors: result.fieldErrors, values }, { status: 400 });
  if (result.generatedPassword) {
    return data<ActionData>({
      created: { id: result.id, code: input.code, username: input.username },
      generatedPassword: result.generatedPassword,
    });
  }
  return redirect(`/admin/customers/${result.id}?created=1`);
}

const EMPTY: NewCustomerValues = {
  code: "",
  name: "",
  levelId: "",
  regionId: "",
  contactName: "",
  phone: "",
  salesRepAccountId: "",
  defaultWarehouseId: "",
  invoiceTitle: "",
  taxNo: "",
  bankName: "",
  bankAccount: "",
  address: "",
  username: "",
  passwordMode: "typed",
  password: "",
  passwordConfirm: "",
};

export default function CustomerNew({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { options } = loaderData;
  const failed = actionData && "fieldErrors" in actionData ? actionData : null;
  const singleRegion = options.regions.length === 1 ? String(options.regions[0]!.id) : "";
  const form = useZodForm(newCustomerSchema, {
    defaultValues: { ...EMPTY, regionId: singleRegion, ...(failed?.values ?? {}) },
    serverErrors: failed?.fieldErrors,
  });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  const mode = form.watch("passwordMode");

  if (actionData && "created" in actionData) {
    const { created, generatedPassword } = actionData;
    return (
      <>
        <PageHeader title={t("customers.newTitle")} />
        <Card className="max-w-xl space-y-4">
          <Notice tone="success">
            {t("customers.createdWithPassword", { code: created.code, username: created.username })}
          </Notice>
          <p>
            <code className="select-all rounded bg-slate-100 px-3 py-2 font-mono text-lg tracking-wider text-slate-900">
              {generatedPassword}
            </code>
          </p>
          <p className="text-sm text-slate-600">{t("customers.password.generatedNote")}</p>
          <div className="flex flex-wrap gap-2">
            <Link to={`/admin/customers/${created.id}`} className={buttonClass("primary")}>
              {t("customers.openCustomer")}
            </Link>
            <Link to="/admin/customers" className={buttonClass("secondary")}>
              {t("customers.backToList")}
            </Link>
          </div>
        </Card>
      </>
    );
  }

  return (
    <>
      <PageHeader title={t("customers.newTitle")}>
        <Link to="/admin/customers" className={buttonClass("ghost")}>
          {t("customers.backToList")}
        </Link>
      </PageHeader>
      <Form method="post" noValidate onSubmit={form.onSubmit} className="space-y-4">
        <Card>
          <h2 className="mb-3 text-base font-semibold text-slate-900">{t("customers.sections.basics")}</h2>
          <CustomerDetailsFields field={form.field} errorKey={form.errorKey} options={options} />
        </Card>
        <Card>
          <h2 className="mb-3 text-base font-semibold text-slate-900">{t("customers.sections.addresses")}</h2>
          <TextAreaField
            label={t("customers.address.first")}
            rows={2}
            error={error("address")}
            {...form.field("address")}
          />
        </Card>
        <Card>
          <h2 className="mb-3 text-base font-semibold text-slate-900">{t("customers.sections.account")}</h2>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            <div>
              <TextField
                label={t("customers.username")}
                autoCapitalize="none"
                autoComplete="off"
                spellCheck={false}
                error={error("username")}
                {...form.field("username")}
              />
              <p className="mt-1 text-xs text-slate-500">{t("customers.usernameHint")}</p>
            </div>
            <fieldset className="lg:col-span-2">
              <legend className="mb-1 block text-sm font-medium text-slate-700">{t("customers.password.mode")}</legend>
              <label className="flex min-h-10 items-center gap-2 text-sm">
                <input type="radio" className="size-4" {...form.radio("passwordMode", "typed")} />
                {t("customers.password.typed")}
              </label>
              <label className="flex min-h-10 items-center gap-2 text-sm">
                <input type="radio" className="size-4" {...form.radio("passwordMode", "generate")} />
                {t("customers.password.generate")}
              </label>
            </fieldset>
            {mode === "generate" ? null : (
              <>
                <TextField
                  label={t("customers.password.password")}
                  type="password"
                  autoComplete="new-password"
                  error={error("password")}
                  {...form.field("password")}
                />
                <TextField
                  label={t("customers.password.confirm")}
                  type="password"
                  autoComplete="new-password"
                  error={error("passwordConfirm")}
                  {...form.field("passwordConfirm")}
                />
              </>
            )}
          </div>
        </Card>
        <div className="flex gap-2">
          <Button type="submit" disabled={navigation.state === "submitting"}>
            {t("customers.create")}
          </Button>
          <Link to="/admin/customers" className={buttonClass("secondary")}>
            {t("common.cancel")}
          </Link>
        </div>
      </Form>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
