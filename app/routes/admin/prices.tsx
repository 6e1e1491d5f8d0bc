import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { data, Form, Link, redirect, useLocation, useNavigation, useSubmit } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, tdClass, thClass } from "../../components/data-table";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { ListedBadge } from "../../components/product-badges";
import { RouteErrorBoundary } from "../../components/route-error";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { applyDiscountBp, type ResolvedPrice } from "../../domain/pricing";
import {
  bpToPercentInput,
  type CreateLevelData,
  type CreateLevelInput,
  clearCustomerPriceSchema,
  clearLevelPriceSchema,
  createLevelSchema,
  PRICE_INTENTS,
  type PriceIntent,
  setCustomerPriceSchema,
  setLevelPriceSchema,
  updateLevelSchema,
} from "../../forms/price-forms";
import { fenToYuanInput, parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  clearCustomerPrice,
  clearLevelPrice,
  createLevel,
  findCustomerByCode,
  findSkuByCode,
  getCustomerPricing,
  getSkuPricing,
  listLevels,
  quotePrice,
  searchCustomers,
  searchSkus,
  setCustomerPrice,
  setLevelPrice,
  updateLevel,
} from "../../services/prices.server";
import type { Route } from "./+types/prices";

const TABS = ["levels", "skus", "customers"] as const;
type Tab = (typeof TABS)[number];
const PAGE_SIZE = 20;

const idParam = z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined);
const querySchema = z.object({
  tab: z.enum(TABS).catch("levels").default("levels"),
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(64).optional().catch(undefined),
  sku: idParam,
  customer: idParam,
  check: z.string().trim().max(64).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "price.manage");
  const url = new URL(request.url);
  const query = querySchema.parse(Object.fromEntries(url.searchParams));
  const { db } = getDatabase();
  const { grant } = viewer;
  const t = getI18n(context).t;
  const base = {
    title: `${t("products.prices.title")} · ${t("app.name")}`,
    tab: query.tab as Tab,
    q: query.q ?? "",
    saved: url.searchParams.get("saved") === "1",
    regionLimited: grant.regionIds !== null,
  };
  if (query.tab === "skus") {
    const [found, pricing] = await Promise.all([
      searchSkus(db, grant, { q: query.q, after: query.after, limit: PAGE_SIZE }),
      query.sku ? getSkuPricing(db, grant, query.sku) : Promise.resolve(null),
    ]);
    return { ...base, skus: found, skuPricing: pricing };
  }
  if (query.tab === "customers") {
    const [found, pricing] = await Promise.all([
      searchCustomers(db, grant, { q: query.q, after: query.after, limit: PAGE_SIZE }),
      query.customer ? getCustomerPricing(db, grant, query.customer) : Promise.resolve(null),
    ]);
    const quote =
      pricing && query.check
        ? {
            code: query.check,
            result: await quotePrice(db, grant, { customerId: pricing.customer.id, skuCode: query.check }),
          }
        : null;
    return { ...base, customers: found, customerPricing: pricing, quote };
  }
  return { ...base, levels: await listLevels(db, grant) };
}

interface ActionData {
  intent: PriceIntent | "";
  /** Which of the page's many small forms failed. */
  formKey: string;
  values: Record<string, string>;
  fieldErrors: Record<string, string>;
  formError?: string;
}

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "price.manage");
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const { db } = getDatabase();
  const form = await request.formData();
  const rawIntent = String(form.get("intent") ?? "");
  const intent = (PRICE_INTENTS as readonly string[]).includes(rawIntent) ? (rawIntent as PriceIntent) : "";
  const formKey = String(form.get("formKey") ?? "");
  const now = new Date();
  const fail = (values: Record<string, string>, fieldErrors: Record<string, string>, formError?: string) =>
    data<ActionData>({ intent, formKey, values, fieldErrors, formError }, { status: formError ? 404 : 400 });
  const url = new URL(request.url);
  url.searchParams.set("saved", "1");
  const done = () => redirect(`${url.pathname}?${url.searchParams.toString()}`);

  switch (intent) {
    case "createLevel": {
      const parsed = parseForm(createLevelSchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      const result = await createLevel(
        db,
        actor,
        { code: parsed.data.code, name: parsed.data.name, discountBp: parsed.data.discount },
        now,
      );
      if (result.ok) return done();
      const values = Object.fromEntries([...form].filter(([, v]) => typeof v === "string")) as Record<string, string>;
      if (result.error === "code_taken") return fail(values, { code: "validation.duplicate" });
      if (result.error === "name_taken") return fail(values, { name: "validation.duplicate" });
      return fail(values, { discount: "products.prices.errors.percent" });
    }
    case "updateLevel": {
      const parsed = parseForm(updateLevelSchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      const result = await updateLevel(
        db,
        actor,
        { id: parsed.data.id, name: parsed.data.name, discountBp: parsed.data.discount },
        now,
      );
      if (result.ok) return done();
      const values = { name: parsed.data.name, discount: String(form.get("discount") ?? "") };
      if (result.error === "name_taken") return fail(values, { name: "validation.duplicate" });
      return fail(values, {}, "products.prices.errors.notFound");
    }
    case "setLevelPrice": {
      const parsed = parseForm(setLevelPriceSchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      const result = await setLevelPrice(db, actor, parsed.data, now);
      if (result.ok) return done();
      if (result.error === "invalid_price")
        return fail({ price: String(form.get("price")) }, { price: "validation.money" });
      return fail({}, {}, "products.prices.errors.notFound");
    }
    case "clearLevelPrice": {
      const parsed = parseForm(clearLevelPriceSchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      await clearLevelPrice(db, actor, parsed.data, now);
      return done();
    }
    case "setCustomerPrice": {
      const parsed = parseForm(setCustomerPriceSchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      const values = parsed.data;
      const typed = Object.fromEntries([...form].filter(([, v]) => typeof v === "string")) as Record<string, string>;
      let customerId = values.customerId;
      if (customerId === undefined) {
        const customer = await findCustomerByCode(db, viewer.grant, values.customerCode ?? "");
        if (!customer) return fail(typed, { customerCode: "products.prices.errors.customerNotFound" });
        customerId = customer.id;
      }
      let skuId = values.skuId;
      if (skuId === undefined) {
        const sku = await findSkuByCode(db, viewer.grant, values.skuCode ?? "");
        if (!sku) return fail(typed, { skuCode: "products.prices.errors.skuNotFound" });
        skuId = sku.id;
      }
      const result = await setCustomerPrice(db, actor, { customerId, skuId, price: values.price }, now);
      if (result.ok) return done();
      if (result.error === "invalid_price") return fail(typed, { price: "validation.money" });
      return fail(typed, {}, "products.prices.errors.notFound");
    }
    case "clearCustomerPrice": {
      const parsed = parseForm(clearCustomerPriceSchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      const result = await clearCustomerPrice(db, actor, parsed.data, now);
      if (result.ok) return done();
      return fail({}, {}, "products.prices.errors.notFound");
    }
    default:
      return fail({}, {}, "products.prices.errors.notFound");
  }
}

// ————————————————————————————————————————— pieces —————————————————————————————————————————

const smallInput = (error?: string) =>
  `h-9 w-24 rounded-md border bg-white px-2 text-sm tabular-nums ${error ? "border-red-500" : "border-slate-300"}`;
const smallButton = "min-h-9 rounded-md px-3 text-sm ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";

function PriceSource({ resolved }: { resolved: ResolvedPrice }) {
  const { t } = useTranslation();
  return (
    <span className="inline-flex items-baseline gap-2 whitespace-nowrap">
      <Money fen={resolved.price} className="font-medium" />
      <span className="text-xs text-slate-500">{t(`products.prices.source.${resolved.source}`)}</span>
    </span>
  );
}

/** The error for one small form, if it is the one that failed. */
function useFormFeedback(actionData: ActionData | undefined, formKey: string) {
  const { t } = useTranslation();
  const mine = actionData?.formKey === formKey ? actionData : undefined;
  return {
    value: (field: string, fallback: string) => mine?.values[field] ?? fallback,
    error: (field: string) => (mine?.fieldErrors[field] ? t(mine.fieldErrors[field]) : undefined),
  };
}

/** Set or clear one price in place: a yuan input, save, and (when one is set) clear. */
function PriceCell({
  formKey,
  setIntent,
  clearIntent,
  hidden,
  current,
  label,
  actionData,
}: {
  formKey: string;
  setIntent: PriceIntent;
  clearIntent: PriceIntent;
  hidden: Record<string, string | number>;
  current: number | null;
  label: string;
  actionData?: ActionData;
}) {
  const { t } = useTranslation();
  const feedback = useFormFeedback(actionData, formKey);
  const error = feedback.error("price");
  const hiddenInputs = Object.entries(hidden).map(([name, value]) => (
    <input key={name} type="hidden" name={name} value={value} />
  ));
  return (
    <div>
      <div className="flex flex-nowrap items-center gap-1">
        <Form method="post" className="flex items-center gap-1">
          <input type="hidden" name="intent" value={setIntent} />
          <input type="hidden" name="formKey" value={formKey} />
          {hiddenInputs}
          <input
            // A new saved value (or a cleared one) replaces whatever the box still shows.
            key={current ?? "none"}
            name="price"
            inputMode="decimal"
            aria-label={label}
            placeholder={t("products.prices.notSet")}
            defaultValue={feedback.value("price", current === null ? "" : fenToYuanInput(current))}
            aria-invalid={error ? true : undefined}
            className={smallInput(error)}
          />
          <button type="submit" className={smallButton}>
            {t("common.save")}
          </button>
        </Form>
        {current !== null ? (
          <Form method="post">
            <input type="hidden" name="intent" value={clearIntent} />
            <input type="hidden" name="formKey" value={formKey} />
            {hiddenInputs}
            <button type="submit" className={`${smallButton} text-red-700`}>
              {t("products.prices.clear")}
            </button>
          </Form>
        ) : null}
      </div>
      {error ? <p className="mt-0.5 text-xs text-red-600">{error}</p> : null}
    </div>
  );
}

function SearchBox({
  tab,
  q,
  placeholder,
  keep,
}: {
  tab: Tab;
  q: string;
  placeholder: string;
  keep?: Record<string, string>;
}) {
  const { t } = useTranslation();
  return (
    <Form method="get" role="search" className="mb-3 flex gap-2">
      <input type="hidden" name="tab" value={tab} />
      {Object.entries(keep ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <label className="sr-only" htmlFor={`search-${tab}`}>
        {t("common.search")}
      </label>
      <input
        id={`search-${tab}`}
        name="q"
        defaultValue={q}
        placeholder={placeholder}
        className="h-10 w-72 rounded-md border border-slate-300 bg-white px-3 text-sm"
      />
      <button type="submit" className={buttonClass("secondary")}>
        {t("common.search")}
      </button>
    </Form>
  );
}

// ————————————————————————————————————————— tabs —————————————————————————————————————————

type LevelsData = Extract<Route.ComponentProps["loaderData"], { levels: unknown }>;
type SkusData = Extract<Route.ComponentProps["loaderData"], { skus: unknown }>;
type CustomersData = Extract<Route.ComponentProps["loaderData"], { customers: unknown }>;

function NewLevelForm({ actionData }: { actionData?: ActionData }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const mine = actionData?.formKey === "newLevel" ? actionData : undefined;
  const defaults = {
    code: mine?.values.code ?? "",
    name: mine?.values.name ?? "",
    discount: mine?.values.discount ?? "100",
  };
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<CreateLevelInput, unknown, CreateLevelData>({
    resolver: zodResolver(createLevelSchema),
    defaultValues: defaults,
  });
  const error = (field: "code" | "name" | "discount") => {
    const key = errors[field]?.message ?? mine?.fieldErrors[field];
    return key ? t(key) : undefined;
  };
  return (
    <Card>
      <h2 className="mb-3 text-base font-semibold">{t("products.prices.levels.add")}</h2>
      <Form
        method="post"
        noValidate
        className="grid gap-3 sm:grid-cols-[8rem_1fr_8rem_auto] sm:items-start"
        onSubmit={(event) => {
          const formElement = event.currentTarget;
          void handleSubmit(() => submit(formElement))(event);
        }}
      >
        <input type="hidden" name="intent" value="createLevel" />
        <input type="hidden" name="formKey" value="newLevel" />
        <TextField
          label={t("products.prices.levels.code")}
          defaultValue={defaults.code}
          error={error("code")}
          {...register("code")}
        />
        <TextField
          label={t("products.prices.levels.name")}
          defaultValue={defaults.name}
          error={error("name")}
          {...register("name")}
        />
        <TextField
          label={t("products.prices.levels.discount")}
          inputMode="decimal"
          defaultValue={defaults.discount}
          error={error("discount")}
          {...register("discount")}
        />
        <Button type="submit" className="sm:mt-6">
          {t("products.prices.levels.create")}
        </Button>
      </Form>
    </Card>
  );
}

function LevelsTab({ levels, actionData }: { levels: LevelsData["levels"]; actionData?: ActionData }) {
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <DataTable caption={t("products.prices.tabs.levels")}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={thClass}>
              {t("products.prices.levels.code")}
            </th>
            <th scope="col" className={thClass}>
              {t("products.prices.levels.name")}
            </th>
            <th scope="col" className={thClass}>
              {t("products.prices.levels.discount")}
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              {t("products.prices.levels.customers")}
            </th>
            <th scope="col" className={thClass}>
              {t("products.prices.levels.example")}
            </th>
            <th scope="col" className={thClass}>
              <span className="sr-only">{t("common.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {levels.map((level) => (
            <LevelRow key={`${level.id}:${level.name}:${level.discountBp}`} level={level} actionData={actionData} />
          ))}
          {levels.length === 0 ? <EmptyRow colSpan={6}>{t("products.prices.levels.empty")}</EmptyRow> : null}
        </tbody>
      </DataTable>
      <NewLevelForm key={levels.length} actionData={actionData} />
    </div>
  );
}

function LevelRow({ level, actionData }: { level: LevelsData["levels"][number]; actionData?: ActionData }) {
  const { t } = useTranslation();
  const formKey = `level:${level.id}`;
  const formId = `level-form-${level.id}`;
  const feedback = useFormFeedback(actionData, formKey);
  const nameError = feedback.error("name");
  const discountError = feedback.error("discount");
  return (
    <tr className="hover:bg-slate-50">
      <td className={`${tdClass} font-mono leading-9`}>{level.code}</td>
      <td className={tdClass}>
        <input
          form={formId}
          name="name"
          aria-label={t("products.prices.levels.name")}
          defaultValue={feedback.value("name", level.name)}
          aria-invalid={nameError ? true : undefined}
          className={`h-9 w-44 rounded-md border bg-white px-2 text-sm ${nameError ? "border-red-500" : "border-slate-300"}`}
        />
        {nameError ? <p className="mt-0.5 text-xs text-red-600">{nameError}</p> : null}
      </td>
      <td className={tdClass}>
        <span className="inline-flex items-center gap-1">
          <input
            form={formId}
            name="discount"
            inputMode="decimal"
            aria-label={t("products.prices.levels.discount")}
            defaultValue={feedback.value("discount", bpToPercentInput(level.discountBp))}
            aria-invalid={discountError ? true : undefined}
            className={`${smallInput(discountError)} w-20 text-right`}
          />
          %
        </span>
        {discountError ? <p className="mt-0.5 text-xs text-red-600">{discountError}</p> : null}
      </td>
      <td className={`${tdClass} text-right tabular-nums leading-9`}>{level.customerCount}</td>
      <td className={`${tdClass} text-slate-600 leading-9`}>
        {t("products.prices.levels.exampleText", { percent: bpToPercentInput(level.discountBp) })}{" "}
        <Money fen={applyDiscountBp(10_000, level.discountBp)} />
      </td>
      <td className={tdClass}>
        <Form method="post" id={formId}>
          <input type="hidden" name="intent" value="updateLevel" />
          <input type="hidden" name="formKey" value={formKey} />
          <input type="hidden" name="id" value={level.id} />
          <button type="submit" className={smallButton}>
            {t("common.save")}
          </button>
        </Form>
      </td>
    </tr>
  );
}

function SkusTab({ loaderData, actionData }: { loaderData: SkusData; actionData?: ActionData }) {
  const { t } = useTranslation();
  const location = useLocation();
  const { skus, skuPricing, q } = loaderData;
  const linkTo = (skuId: number) => {
    const params = new URLSearchParams(location.search);
    params.set("tab", "skus");
    params.set("sku", String(skuId));
    params.delete("saved");
    return `?${params.toString()}`;
  };
  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <section>
        <SearchBox tab="skus" q={q} placeholder={t("products.prices.skus.searchPlaceholder")} />
        <DataTable caption={t("products.prices.tabs.skus")}>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={thClass}>
                {t("products.sku.code")}
              </th>
              <th scope="col" className={thClass}>
                {t("products.fields.name")}
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                {t("products.sku.basePrice")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {skus.items.map((s) => (
              <tr key={s.id} className={skuPricing?.sku.id === s.id ? "bg-brand-50" : "hover:bg-slate-50"}>
                <td className={`${tdClass} font-mono`}>
                  <Link to={linkTo(s.id)} className="link">
                    {s.code}
                  </Link>
                </td>
                <td className={tdClass}>
                  {s.productName}
                  {s.spec ? <span className="block text-xs text-slate-500">{s.spec}</span> : null}
                </td>
                <td className={`${tdClass} text-right`}>
                  <Money fen={s.basePrice} />
                </td>
              </tr>
            ))}
            {skus.items.length === 0 ? <EmptyRow colSpan={3}>{t("common.noResults")}</EmptyRow> : null}
          </tbody>
        </DataTable>
        <KeysetPager
          nextCursor={skus.nextCursor}
          param="after"
          labels={{ first: t("common.first"), next: t("common.next") }}
        />
      </section>
      <section>
        {skuPricing ? (
          <SkuPricingPanel pricing={skuPricing} actionData={actionData} />
        ) : (
          <Card>
            <p className="text-sm text-slate-500">{t("products.prices.skus.pick")}</p>
          </Card>
        )}
      </section>
    </div>
  );
}

function SkuPricingPanel({
  pricing,
  actionData,
}: {
  pricing: NonNullable<SkusData["skuPricing"]>;
  actionData?: ActionData;
}) {
  const { t } = useTranslation();
  const { sku } = pricing;
  const add = useFormFeedback(actionData, "addCustomerPrice");
  return (
    <div className="space-y-4" data-testid="sku-pricing">
      <Card>
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div>
            <h2 className="text-base font-semibold">
              {sku.productName} <span className="font-mono text-sm text-slate-500">{sku.code}</span>
            </h2>
            <p className="text-sm text-slate-500">
              {sku.spec || "—"} · {sku.unit}
            </p>
          </div>
          <ListedBadge listed={sku.listed} />
        </div>
        <dl className="mt-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-500">{t("products.sku.basePrice")}</dt>
            <dd>
              <Money fen={sku.basePrice} className="font-medium" />
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("products.sku.retailPrice")}</dt>
            <dd>
              <Money fen={sku.retailPrice} />
            </dd>
          </div>
        </dl>
      </Card>

      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-700">{t("products.prices.skus.levelPrices")}</h3>
        <DataTable caption={t("products.prices.skus.levelPrices")}>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={thClass}>
                {t("products.prices.levels.name")}
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                {t("products.prices.skus.byDiscount")}
              </th>
              <th scope="col" className={thClass}>
                {t("products.prices.skus.explicit")}
              </th>
              <th scope="col" className={thClass}>
                {t("products.prices.resolved")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {pricing.levels.map((l) => (
              <tr key={l.levelId}>
                <td className={tdClass}>
                  {l.name}
                  <span className="block text-xs text-slate-500">{bpToPercentInput(l.discountBp)}%</span>
                </td>
                <td className={`${tdClass} text-right`}>
                  <Money fen={applyDiscountBp(sku.basePrice, l.discountBp)} />
                </td>
                <td className={tdClass}>
                  <PriceCell
                    formKey={`levelPrice:${l.levelId}`}
                    setIntent="setLevelPrice"
                    clearIntent="clearLevelPrice"
                    hidden={{ levelId: l.levelId, skuId: sku.id }}
                    current={l.explicitPrice}
                    label={t("products.prices.skus.explicitFor", { level: l.name })}
                    actionData={actionData}
                  />
                </td>
                <td className={tdClass}>
                  <PriceSource resolved={l.resolved} />
                </td>
              </tr>
            ))}
            {pricing.levels.length === 0 ? <EmptyRow colSpan={4}>{t("products.prices.levels.empty")}</EmptyRow> : null}
          </tbody>
        </DataTable>
      </div>

      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-700">{t("products.prices.skus.customerPrices")}</h3>
        <DataTable caption={t("products.prices.skus.customerPrices")}>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={thClass}>
                {t("products.prices.customers.customer")}
              </th>
              <th scope="col" className={thClass}>
                {t("products.prices.customers.level")}
              </th>
              <th scope="col" className={thClass}>
                {t("products.prices.source.customer")}
              </th>
              <th scope="col" className={thClass}>
                {t("products.prices.withoutOwn")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {pricing.customerPrices.map((c) => (
              <tr key={c.customerId}>
                <td className={tdClass}>
                  <span className="font-mono text-xs text-slate-500">{c.code}</span> {c.name}
                  <span className="block text-xs text-slate-500">{c.regionName}</span>
                </td>
                <td className={`${tdClass} whitespace-nowrap`}>{c.levelName ?? "—"}</td>
                <td className={tdClass}>
                  <PriceCell
                    formKey={`customerPrice:${c.customerId}:${sku.id}`}
                    setIntent="setCustomerPrice"
                    clearIntent="clearCustomerPrice"
                    hidden={{ customerId: c.customerId, skuId: sku.id }}
                    current={c.price}
                    label={t("products.prices.customers.priceFor", { customer: c.name })}
                    actionData={actionData}
                  />
                </td>
                <td className={tdClass}>
                  <PriceSource resolved={c.withoutOwnPrice} />
                </td>
              </tr>
            ))}
            {pricing.customerPrices.length === 0 ? (
              <tr>
                <td colSpan={4} className="px-3 py-4 text-center text-slate-500">
                  {t("products.prices.skus.noCustomerPrices")}
                </td>
              </tr>
            ) : null}
          </tbody>
        </DataTable>
        <Form method="post" className="mt-3 flex flex-wrap items-start gap-2">
          <input type="hidden" name="intent" value="setCustomerPrice" />
          <input type="hidden" name="formKey" value="addCustomerPrice" />
          <input type="hidden" name="skuId" value={sku.id} />
          <div>
            <input
              name="customerCode"
              aria-label={t("products.prices.customers.code")}
              placeholder={t("products.prices.customers.code")}
              defaultValue={add.value("customerCode", "")}
              className={`h-10 w-40 rounded-md border bg-white px-3 text-sm ${add.error("customerCode") ? "border-red-500" : "border-slate-300"}`}
            />
            {add.error("customerCode") ? (
              <p className="mt-0.5 text-xs text-red-600">{add.error("customerCode")}</p>
            ) : null}
          </div>
          <div>
            <input
              name="price"
              inputMode="decimal"
              aria-label={t("products.prices.priceYuan")}
              placeholder={t("products.prices.priceYuan")}
              defaultValue={add.value("price", "")}
              className={`h-10 w-32 rounded-md border bg-white px-3 text-sm ${add.error("price") ? "border-red-500" : "border-slate-300"}`}
            />
            {add.error("price") ? <p className="mt-0.5 text-xs text-red-600">{add.error("price")}</p> : null}
          </div>
          <button type="submit" className={buttonClass("secondary")}>
            {t("products.prices.customers.add")}
          </button>
        </Form>
      </div>
    </div>
  );
}

function CustomersTab({ loaderData, actionData }: { loaderData: CustomersData; actionData?: ActionData }) {
  const { t } = useTranslation();
  const location = useLocation();
  const { customers, customerPricing, q, quote } = loaderData;
  const linkTo = (customerId: number) => {
    const params = new URLSearchParams(location.search);
    params.set("tab", "customers");
    params.set("customer", String(customerId));
    params.delete("saved");
    params.delete("check");
    return `?${params.toString()}`;
  };
  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <section>
        <SearchBox tab="customers" q={q} placeholder={t("products.prices.customers.searchPlaceholder")} />
        <DataTable caption={t("products.prices.tabs.customers")}>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={thClass}>
                {t("products.prices.customers.customer")}
              </th>
              <th scope="col" className={thClass}>
                {t("products.prices.customers.level")}
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                {t("products.prices.customers.ownCount")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {customers.items.map((c) => (
              <tr key={c.id} className={customerPricing?.customer.id === c.id ? "bg-brand-50" : "hover:bg-slate-50"}>
                <td className={tdClass}>
                  <Link to={linkTo(c.id)} className="link">
                    <span className="font-mono">{c.code}</span> {c.name}
                  </Link>
                  <span className="block text-xs text-slate-500">{c.regionName}</span>
                </td>
                <td className={`${tdClass} whitespace-nowrap`}>{c.level?.name ?? "—"}</td>
                <td className={`${tdClass} text-right tabular-nums`}>{c.ownPriceCount}</td>
              </tr>
            ))}
            {customers.items.length === 0 ? <EmptyRow colSpan={3}>{t("common.noResults")}</EmptyRow> : null}
          </tbody>
        </DataTable>
        <KeysetPager
          nextCursor={customers.nextCursor}
          param="after"
          labels={{ first: t("common.first"), next: t("common.next") }}
        />
      </section>
      <section>
        {customerPricing ? (
          <CustomerPricingPanel pricing={customerPricing} quote={quote} actionData={actionData} />
        ) : (
          <Card>
            <p className="text-sm text-slate-500">{t("products.prices.customers.pick")}</p>
          </Card>
        )}
      </section>
    </div>
  );
}

function CustomerPricingPanel({
  pricing,
  quote,
  actionData,
}: {
  pricing: NonNullable<CustomersData["customerPricing"]>;
  quote: CustomersData["quote"];
  actionData?: ActionData;
}) {
  const { t } = useTranslation();
  const location = useLocation();
  const { customer } = pricing;
  const add = useFormFeedback(actionData, "addOwnPrice");
  const keep = Object.fromEntries(
    [...new URLSearchParams(location.search)].filter(([k]) => ["q", "after", "customer"].includes(k)),
  );
  return (
    <div className="space-y-4" data-testid="customer-pricing">
      <Card>
        <h2 className="text-base font-semibold">
          <span className="font-mono text-sm text-slate-500">{customer.code}</span> {customer.name}
        </h2>
        <p className="text-sm text-slate-500">
          {customer.regionName} ·{" "}
          {customer.level
            ? t("products.prices.customers.levelLine", {
                level: customer.level.name,
                percent: bpToPercentInput(customer.level.discountBp),
              })
            : t("products.prices.customers.noLevel")}
        </p>
        <Form method="get" className="mt-3 flex flex-wrap items-end gap-2">
          <input type="hidden" name="tab" value="customers" />
          {Object.entries(keep).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
            {t("products.prices.customers.check")}
            <input
              name="check"
              defaultValue={quote?.code ?? ""}
              placeholder={t("products.sku.code")}
              className="h-10 w-48 rounded-md border border-slate-300 bg-white px-3 text-sm"
            />
          </label>
          <button type="submit" className={buttonClass("secondary")}>
            {t("products.prices.customers.checkButton")}
          </button>
        </Form>
        {quote ? (
          quote.result ? (
            <dl
              className="mt-3 grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-3 text-sm sm:grid-cols-4"
              data-testid="quote"
            >
              <div>
                <dt className="text-slate-500">{t("products.sku.basePrice")}</dt>
                <dd>
                  <Money fen={quote.result.sku.basePrice} />
                </dd>
              </div>
              <div>
                <dt className="text-slate-500">{t("products.prices.source.level_price")}</dt>
                <dd>{quote.result.levelPrice === null ? "—" : <Money fen={quote.result.levelPrice} />}</dd>
              </div>
              <div>
                <dt className="text-slate-500">{t("products.prices.source.customer")}</dt>
                <dd>{quote.result.customerPrice === null ? "—" : <Money fen={quote.result.customerPrice} />}</dd>
              </div>
              <div>
                <dt className="text-slate-500">{t("products.prices.resolved")}</dt>
                <dd>
                  <PriceSource resolved={quote.result.resolved} />
                </dd>
              </div>
              <p className="col-span-full text-xs text-slate-500">
                {quote.result.sku.productName} · {quote.result.sku.spec}
              </p>
            </dl>
          ) : (
            <p className="mt-2 text-sm text-red-600">{t("products.prices.errors.skuNotFound")}</p>
          )
        ) : null}
      </Card>

      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-700">{t("products.prices.customers.ownPrices")}</h3>
        <DataTable caption={t("products.prices.customers.ownPrices")}>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={thClass}>
                {t("products.sku.code")}
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                {t("products.sku.basePrice")}
              </th>
              <th scope="col" className={thClass}>
                {t("products.prices.withoutOwn")}
              </th>
              <th scope="col" className={thClass}>
                {t("products.prices.source.customer")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {pricing.ownPrices.map((p) => (
              <tr key={p.sku.id}>
                <td className={tdClass}>
                  <span className="font-mono">{p.sku.code}</span>
                  <span className="block text-xs text-slate-500">
                    {p.sku.productName}
                    {p.sku.spec ? ` · ${p.sku.spec}` : ""}
                  </span>
                </td>
                <td className={`${tdClass} text-right`}>
                  <Money fen={p.sku.basePrice} />
                </td>
                <td className={tdClass}>
                  <PriceSource resolved={p.withoutOwnPrice} />
                </td>
                <td className={tdClass}>
                  <PriceCell
                    formKey={`customerPrice:${customer.id}:${p.sku.id}`}
                    setIntent="setCustomerPrice"
                    clearIntent="clearCustomerPrice"
                    hidden={{ customerId: customer.id, skuId: p.sku.id }}
                    current={p.customerPrice}
                    label={t("products.prices.customers.priceForSku", { code: p.sku.code })}
                    actionData={actionData}
                  />
                </td>
              </tr>
            ))}
            {pricing.ownPrices.length === 0 ? (
              <tr>
                <td colSpan={4} className="px-3 py-4 text-center text-slate-500">
                  {t("products.prices.customers.noOwnPrices")}
                </td>
              </tr>
            ) : null}
          </tbody>
        </DataTable>
        <Form method="post" className="mt-3 flex flex-wrap items-start gap-2">
          <input type="hidden" name="intent" value="setCustomerPrice" />
          <input type="hidden" name="formKey" value="addOwnPrice" />
          <input type="hidden" name="customerId" value={customer.id} />
          <div>
            <input
              name="skuCode"
              aria-label={t("products.sku.code")}
              placeholder={t("products.sku.code")}
              defaultValue={add.value("skuCode", "")}
              className={`h-10 w-40 rounded-md border bg-white px-3 text-sm ${add.error("skuCode") ? "border-red-500" : "border-slate-300"}`}
            />
            {add.error("skuCode") ? <p className="mt-0.5 text-xs text-red-600">{add.error("skuCode")}</p> : null}
          </div>
          <div>
            <input
              name="price"
              inputMode="decimal"
              aria-label={t("products.prices.priceYuan")}
              placeholder={t("products.prices.priceYuan")}
              defaultValue={add.value("price", "")}
              className={`h-10 w-32 rounded-md border bg-white px-3 text-sm ${add.error("price") ? "border-red-500" : "border-slate-300"}`}
            />
            {add.error("price") ? <p className="mt-0.5 text-xs text-red-600">{add.error("price")}</p> : null}
          </div>
          <button type="submit" className={buttonClass("secondary")}>
            {t("products.prices.customers.addOwn")}
          </button>
        </Form>
      </div>
    </div>
  );
}

export default function Prices({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { tab, saved, regionLimited } = loaderData;
  return (
    <>
      <PageHeader title={t("products.prices.title")} />
      <nav aria-label={t("products.prices.title")} className="mb-4 flex gap-1 border-b border-slate-200">
        {TABS.map((key) => (
          <Link
            key={key}
            to={`?tab=${key}`}
            aria-current={tab === key ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${
              tab === key
                ? "border-brand-600 font-medium text-brand-700"
                : "border-transparent text-slate-600 hover:text-slate-900"
            }`}
          >
            {t(`products.prices.tabs.${key}`)}
          </Link>
        ))}
      </nav>
      <div className="mb-4 space-y-2">
        {actionData?.formError ? <Notice tone="error">{t(actionData.formError)}</Notice> : null}
        {saved && !actionData && navigation.state === "idle" ? (
          <Notice tone="success">{t("common.saved")}</Notice>
        ) : null}
        <p className="text-sm text-slate-500">{t("products.prices.rules")}</p>
        {regionLimited && tab !== "levels" ? (
          <p className="text-sm text-slate-500">{t("products.prices.regionNote")}</p>
        ) : null}
      </div>
      {"levels" in loaderData ? <LevelsTab levels={loaderData.levels} actionData={actionData} /> : null}
      {"skus" in loaderData ? <SkusTab loaderData={loaderData} actionData={actionData} /> : null}
      {"customers" in loaderData ? <CustomersTab loaderData={loaderData} actionData={actionData} /> : null}
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
