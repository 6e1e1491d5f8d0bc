import { useEffect } from "react";
import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { CustomerDetailsFields } from "../../components/customer-fields";
import { DateTime } from "../../components/date-time";
import { CheckboxField, TextAreaField } from "../../components/fields";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import {
  addressSchema,
  customerDetailsSchema,
  customerToFormValues,
  resetPasswordSchema,
} from "../../forms/customer-form";
import { useZodForm } from "../../forms/use-zod-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  type CustomerAddress,
  changeCustomerAddress,
  customerFormOptions,
  getCustomer,
  resetOrderingPassword,
  setCustomerStatus,
  updateCustomer,
} from "../../services/customers.server";
import type { Route } from "./+types/customer-edit";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

const notFound = () => data(null, { status: 404 });

function customerIdOf(params: { customerId?: string }): number {
  const id = /^\d{1,12}$/.test(params.customerId ?? "") ? Number(params.customerId) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw notFound();
  return id;
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "customer.view");
  const { db } = getDatabase();
  // Outside the staff member's regions the customer does not exist, as far as this page says.
  const customer = await getCustomer(db, viewer.grant, customerIdOf(params));
  if (!customer) throw notFound();
  const options = await customerFormOptions(db, viewer.grant, customer);
  const t = getI18n(context).t;
  return {
    title: `${customer.name} · ${t("customers.title")} · ${t("app.name")}`,
    customer,
    options,
    canManage: viewer.grant.permissions.has("customer.manage"),
    justCreated: new URL(request.url).searchParams.get("created") === "1",
  };
}

const INTENTS = [
  "details",
  "addAddress",
  "updateAddress",
  "removeAddress",
  "defaultAddress",
  "setStatus",
  "resetPassword",
  "generatePassword",
] as const;
type Intent = (typeof INTENTS)[number];

type ActionData =
  | { intent: Intent; addressId?: number; ok: true; notice: string; generatedPassword?: string }
  | {
      intent: Intent;
      addressId?: number;
      ok: false;
      fieldErrors: Record<string, string>;
      values: Record<string, string>;
    };

const addressIdSchema = z.object({
  addressId: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
});

export async function action({ request, context, params }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "customer.manage");
  const customerId = customerIdOf(params);
  const { db } = getDatabase();
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const now = new Date();
  const formData = await request.formData();
  const intent = INTENTS.find((i) => i === formData.get("intent"));
  if (!intent) throw data(null, { status: 400 });
  const ok = (notice: string, extra: { addressId?: number; generatedPassword?: string } = {}) =>
    data<ActionData>({ intent, ok: true, notice, ...extra });
  const failed = (fieldErrors: Record<string, string>, values: Record<string, string>, addressId?: number) =>
    data<ActionData>({ intent, addressId, ok: false, fieldErrors, values }, { status: 400 });
  const addressIdParsed = addressIdSchema.safeParse({ addressId: formData.get("addressId") });
  const addressId = addressIdParsed.success ? addressIdParsed.data.addressId : undefined;

  switch (intent) {
    case "details": {
      const parsed = parseForm(customerDetailsSchema, formData);
      if (!parsed.ok) return failed(parsed.fieldErrors, parsed.values);
      const result = await updateCustomer(db, actor, customerId, parsed.data, now);
      if (result.ok) return ok("common.saved");
      if ("error" in result) throw notFound();
      return failed(result.fieldErrors, Object.fromEntries(formData) as Record<string, string>);
    }
    case "addAddress":
    case "updateAddress": {
      const parsed = parseForm(addressSchema, formData);
      if (!parsed.ok) return failed(parsed.fieldErrors, parsed.values, addressId);
      const { makeDefault, ...input } = parsed.data;
      if (intent === "updateAddress" && addressId === undefined) throw data(null, { status: 400 });
      const result = await changeCustomerAddress(
        db,
        actor,
        customerId,
        intent === "addAddress"
          ? { kind: "add", input, makeDefault }
          : { kind: "update", addressId: addressId!, input },
        now,
      );
      if (!result.ok) throw notFound();
      return ok(intent === "addAddress" ? "customers.address.added" : "customers.address.updated", {
        addressId: result.addressId,
      });
    }
    case "removeAddress":
    case "defaultAddress": {
      if (addressId === undefined) throw data(null, { status: 400 });
      const result = await changeCustomerAddress(
        db,
        actor,
        customerId,
        intent === "removeAddress" ? { kind: "remove", addressId } : { kind: "set_default", addressId },
        now,
      );
      if (!result.ok) throw notFound();
      return ok(intent === "removeAddress" ? "customers.address.removed" : "customers.address.defaultChanged");
    }
    case "setStatus": {
      const active = formData.get("active") === "1";
      const result = await setCustomerStatus(db, actor, customerId, active, now);
      if (!result.ok) throw notFound();
      return ok(active ? "customers.status.enabled" : "customers.status.disabled");
    }
    case "resetPassword": {
      const parsed = parseForm(resetPasswordSchema, formData);
      if (!parsed.ok) return failed(parsed.fieldErrors, {});
      const result = await resetOrderingPassword(db, actor, customerId, parsed.data.password, now);
      if (!result.ok) throw notFound();
      return ok("customers.password.reset");
    }
    case "generatePassword": {
      const result = await resetOrderingPassword(db, actor, customerId, null, now);
      if (!result.ok) throw notFound();
      return ok("customers.password.reset", { generatedPassword: result.generatedPassword ?? undefined });
    }
  }
}

const sectionTitle = "mb-3 text-base font-semibold text-slate-900";

export default function CustomerEdit({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const { customer, options, canManage, justCreated } = loaderData;
  const result = actionData as ActionData | undefined;
  const errorsFor = (intent: Intent, addressId?: number) =>
    result && !result.ok && result.intent === intent && result.addressId === addressId ? result : null;

  return (
    <>
      <PageHeader title={customer.name}>
        <Link to="/admin/customers" className={buttonClass("ghost")}>
          {t("customers.backToList")}
        </Link>
      </PageHeader>
      <p className="-mt-2 mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600">
        <span className="font-mono">{customer.code}</span>
        <span>{customer.regionName}</span>
        <ActiveBadge active={customer.active} />
        <span>
          {t("customers.createdAt")} <DateTime iso={customer.createdAt} />
        </span>
      </p>
      <div className="mb-4 space-y-2">
        {justCreated && !result ? (
          <Notice tone="success">{t("customers.created", { code: customer.code })}</Notice>
        ) : null}
        {result?.ok ? <Notice tone="success">{t(result.notice)}</Notice> : null}
        {!canManage ? <Notice>{t("customers.readOnly")}</Notice> : null}
      </div>
      <div className="grid gap-4 xl:grid-cols-3">
        <div className="space-y-4 xl:col-span-2">
          <DetailsCard
            key={customer.updatedAt}
            customer={customer}
            options={options}
            canManage={canManage}
            failed={errorsFor("details")}
          />
          <Card>
            <h2 className={sectionTitle}>{t("customers.sections.addresses")}</h2>
            {customer.addresses.length === 0 ? (
              <p className="text-sm text-slate-500">{t("customers.address.none")}</p>
            ) : (
              <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
                {customer.addresses.map((a) => (
                  <AddressItem
                    // A saved edit remounts the item: its form closes and shows the new values.
                    key={`${a.id}:${a.contactName}:${a.phone}:${a.address}`}
                    address={a}
                    canManage={canManage}
                    failed={errorsFor("updateAddress", a.id)}
                  />
                ))}
              </ul>
            )}
            {canManage ? (
              // Remounted after each added address, so it closes with empty fields.
              <details
                key={`add-${customer.addresses.length}`}
                className="mt-4"
                open={Boolean(errorsFor("addAddress"))}
              >
                <summary className="cursor-pointer text-sm font-medium text-brand-700">
                  {t("customers.address.add")}
                </summary>
                <AddressForm
                  intent="addAddress"
                  defaults={{ contactName: customer.contactName, phone: customer.phone, address: "" }}
                  failed={errorsFor("addAddress")}
                  showMakeDefault
                />
              </details>
            ) : null}
          </Card>
        </div>
        <div className="space-y-4">
          <AccountCard
            username={customer.account.username}
            canManage={canManage}
            failed={errorsFor("resetPassword")}
            done={result?.ok && result.intent === "resetPassword" ? result : null}
            generatedPassword={result?.ok ? result.generatedPassword : undefined}
          />
          <Card>
            <h2 className={sectionTitle}>{t("customers.sections.status")}</h2>
            <p className="text-sm text-slate-600">
              {t(customer.active ? "customers.status.activeNote" : "customers.status.disabledNote")}
            </p>
            {canManage ? (
              <Form method="post" className="mt-3">
                <input type="hidden" name="intent" value="setStatus" />
                <input type="hidden" name="active" value={customer.active ? "0" : "1"} />
                <Button type="submit" variant={customer.active ? "danger" : "primary"}>
                  {t(customer.active ? "customers.status.disable" : "customers.status.enable")}
                </Button>
              </Form>
            ) : null}
          </Card>
        </div>
      </div>
    </>
  );
}

function ActiveBadge({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        active ? "bg-emerald-50 text-emerald-800 ring-emerald-600/20" : "bg-slate-100 text-slate-700 ring-slate-500/20"
      }`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${active ? "bg-emerald-500" : "bg-slate-400"}`} />
      {active ? t("common.active") : t("common.disabled")}
    </span>
  );
}

type Failed = Extract<ActionData, { ok: false }> | null;

function DetailsCard({
  customer,
  options,
  canManage,
  failed,
}: {
  customer: Parameters<typeof customerToFormValues>[0];
  options: Parameters<typeof CustomerDetailsFields>[0]["options"];
  canManage: boolean;
  failed: Failed;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const form = useZodForm(customerDetailsSchema, {
    defaultValues: { ...customerToFormValues(customer), ...(failed?.values ?? {}) },
    serverErrors: failed?.fieldErrors,
  });
  return (
    <Card>
      <h2 className={sectionTitle}>{t("customers.sections.basics")}</h2>
      <Form method="post" noValidate onSubmit={form.onSubmit}>
        <input type="hidden" name="intent" value="details" />
        <CustomerDetailsFields field={form.field} errorKey={form.errorKey} options={options} disabled={!canManage} />
        {canManage ? (
          <div className="mt-4">
            <Button type="submit" disabled={navigation.state === "submitting"}>
              {t("common.save")}
            </Button>
          </div>
        ) : null}
      </Form>
    </Card>
  );
}

function AddressItem({ address, canManage, failed }: { address: CustomerAddress; canManage: boolean; failed: Failed }) {
  const { t } = useTranslation();
  return (
    <li className="p-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 text-sm">
          <p className="font-medium text-slate-900">
            {address.contactName} <span className="ml-2 tabular-nums text-slate-600">{address.phone}</span>
            {address.isDefault ? (
              <span className="ml-2 rounded bg-brand-50 px-1.5 py-0.5 text-xs font-medium text-brand-700">
                {t("customers.address.default")}
              </span>
            ) : null}
          </p>
          <p className="mt-0.5 text-slate-700">{address.address}</p>
        </div>
        {canManage ? (
          <div className="flex shrink-0 gap-1">
            {address.isDefault ? null : (
              <Form method="post">
                <input type="hidden" name="intent" value="defaultAddress" />
                <input type="hidden" name="addressId" value={address.id} />
                <button type="submit" className={buttonClass("ghost", "min-h-9 px-2")}>
                  {t("customers.address.setDefault")}
                </button>
              </Form>
            )}
            <Form method="post">
              <input type="hidden" name="intent" value="removeAddress" />
              <input type="hidden" name="addressId" value={address.id} />
              <button type="submit" className={buttonClass("ghost", "min-h-9 px-2 text-red-700 hover:bg-red-50")}>
                {t("customers.address.remove")}
              </button>
            </Form>
          </div>
        ) : null}
      </div>
      {canManage ? (
        <details className="mt-1" open={Boolean(failed)}>
          <summary className="cursor-pointer text-sm text-brand-700">{t("customers.address.edit")}</summary>
          <AddressForm
            intent="updateAddress"
            addressId={address.id}
            defaults={{ contactName: address.contactName, phone: address.phone, address: address.address }}
            failed={failed}
          />
        </details>
      ) : null}
    </li>
  );
}

function AddressForm({
  intent,
  addressId,
  defaults,
  failed,
  showMakeDefault = false,
}: {
  intent: "addAddress" | "updateAddress";
  addressId?: number;
  defaults: { contactName: string; phone: string; address: string };
  failed: Failed;
  showMakeDefault?: boolean;
}) {
  const { t } = useTranslation();
  const form = useZodForm(addressSchema, {
    defaultValues: { ...defaults, makeDefault: false, ...(failed?.values ?? {}) },
    serverErrors: failed?.fieldErrors,
  });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  return (
    <Form method="post" noValidate onSubmit={form.onSubmit} className="mt-3 grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="intent" value={intent} />
      {addressId === undefined ? null : <input type="hidden" name="addressId" value={addressId} />}
      <TextField
        label={t("customers.address.contactName")}
        error={error("contactName")}
        {...form.field("contactName")}
      />
      <TextField
        label={t("customers.address.phone")}
        type="tel"
        inputMode="tel"
        error={error("phone")}
        {...form.field("phone")}
      />
      <TextAreaField
        label={t("customers.address.address")}
        rows={2}
        className="sm:col-span-2"
        error={error("address")}
        {...form.field("address")}
      />
      <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
        {showMakeDefault ? (
          <CheckboxField
            name="makeDefault"
            label={t("customers.address.makeDefault")}
            defaultChecked={failed?.values.makeDefault === "1"}
          />
        ) : null}
        <Button type="submit" variant="secondary">
          {t(intent === "addAddress" ? "customers.address.addSubmit" : "customers.address.saveEdit")}
        </Button>
      </div>
    </Form>
  );
}

function AccountCard({
  username,
  canManage,
  failed,
  done,
  generatedPassword,
}: {
  username: string;
  canManage: boolean;
  failed: Failed;
  done: object | null;
  generatedPassword?: string;
}) {
  const { t } = useTranslation();
  const form = useZodForm(resetPasswordSchema, {
    defaultValues: { password: "", passwordConfirm: "" },
    serverErrors: failed?.fieldErrors,
  });
  const { reset } = form;
  // Once a typed password is set, empty the fields so it does not linger on screen.
  useEffect(() => {
    if (done) reset();
  }, [done, reset]);
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  return (
    <Card>
      <h2 className={sectionTitle}>{t("customers.sections.account")}</h2>
      <p className="font-mono text-base text-slate-900">{username}</p>
      {generatedPassword ? (
        <div className="mt-3 space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200">
          <p className="text-sm font-medium text-amber-900">{t("customers.password.generated")}</p>
          <code className="block select-all font-mono text-lg tracking-wider text-slate-900">{generatedPassword}</code>
          <p className="text-xs text-amber-900">{t("customers.password.generatedNote")}</p>
        </div>
      ) : null}
      {canManage ? (
        <>
          <h3 className="mt-4 text-sm font-semibold text-slate-700">{t("customers.password.resetTitle")}</h3>
          <p className="mt-1 text-xs text-slate-500">{t("customers.password.resetNote")}</p>
          <Form method="post" noValidate onSubmit={form.onSubmit} className="mt-3 space-y-3">
            <input type="hidden" name="intent" value="resetPassword" />
            {/* Lets password managers file the new password under the right account. */}
            <input type="hidden" name="username" value={username} autoComplete="username" />
            <TextField
              label={t("customers.password.newPassword")}
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
            <Button type="submit" variant="secondary" className="w-full">
              {t("customers.password.resetSubmit")}
            </Button>
          </Form>
          <Form method="post" className="mt-2">
            <input type="hidden" name="intent" value="generatePassword" />
            <Button type="submit" variant="ghost" className="w-full">
              {t("customers.password.generateSubmit")}
            </Button>
          </Form>
        </>
      ) : null}
    </Card>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
