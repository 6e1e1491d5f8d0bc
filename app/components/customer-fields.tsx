import { useTranslation } from "../i18n/use-translation";
import { SelectField } from "./fields";
import { TextField } from "./text-field";

export interface CustomerFieldOptions {
  regions: Array<{ id: number; name: string }>;
  levels: Array<{ id: number; name: string }>;
  salesReps: Array<{ id: number; displayName: string; username: string }>;
  warehouses: Array<{ id: number; code: string; name: string }>;
}

const grid = "grid gap-4 sm:grid-cols-2 lg:grid-cols-3";

/**
 * The customer's details and invoicing fields, shared by the create and edit pages. Each field
 * shows its message (an i18n key from the browser's or the server's check) beneath it.
 */
export function CustomerDetailsFields({
  field,
  errorKey,
  options,
  disabled = false,
}: {
  /** The form's `register` with each field's starting value (useZodForm's `field`). */
  field: (name: string) => object;
  errorKey: (name: string) => string | undefined;
  options: CustomerFieldOptions;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const error = (name: string) => {
    const key = errorKey(name);
    return key ? t(key) : undefined;
  };
  const none = { value: "", label: t("customers.none") };
  return (
    <>
      <fieldset className={grid} disabled={disabled}>
        <legend className="sr-only">{t("customers.sections.basics")}</legend>
        <div>
          <TextField
            label={t("customers.code")}
            autoCapitalize="characters"
            spellCheck={false}
            error={error("code")}
            {...field("code")}
          />
          {disabled ? null : <p className="mt-1 text-xs text-slate-500">{t("customers.codeHint")}</p>}
        </div>
        <TextField label={t("customers.name")} error={error("name")} className="lg:col-span-2" {...field("name")} />
        <SelectField
          label={t("customers.region")}
          error={error("regionId")}
          options={[
            ...(options.regions.length === 1 ? [] : [{ value: "", label: "—" }]),
            ...options.regions.map((r) => ({ value: String(r.id), label: r.name })),
          ]}
          {...field("regionId")}
        />
        <SelectField
          label={t("customers.level")}
          error={error("levelId")}
          options={[
            { value: "", label: t("customers.noLevel") },
            ...options.levels.map((l) => ({ value: String(l.id), label: l.name })),
          ]}
          {...field("levelId")}
        />
        <SelectField
          label={t("customers.salesRep")}
          error={error("salesRepAccountId")}
          options={[
            none,
            ...options.salesReps.map((s) => ({ value: String(s.id), label: `${s.displayName}（${s.username}）` })),
          ]}
          {...field("salesRepAccountId")}
        />
        <TextField label={t("customers.contact")} error={error("contactName")} {...field("contactName")} />
        <TextField label={t("customers.phone")} type="tel" inputMode="tel" error={error("phone")} {...field("phone")} />
        <SelectField
          label={t("customers.defaultWarehouse")}
          error={error("defaultWarehouseId")}
          options={[none, ...options.warehouses.map((w) => ({ value: String(w.id), label: `${w.name}（${w.code}）` }))]}
          {...field("defaultWarehouseId")}
        />
      </fieldset>
      <h3 className="mt-6 mb-3 text-sm font-semibold text-slate-700">{t("customers.sections.invoice")}</h3>
      <fieldset className={grid} disabled={disabled}>
        <legend className="sr-only">{t("customers.sections.invoice")}</legend>
        <TextField
          label={t("customers.invoiceTitle")}
          error={error("invoiceTitle")}
          className="lg:col-span-2"
          {...field("invoiceTitle")}
        />
        <TextField label={t("customers.taxNo")} spellCheck={false} error={error("taxNo")} {...field("taxNo")} />
        <TextField label={t("customers.bankName")} error={error("bankName")} {...field("bankName")} />
        <TextField
          label={t("customers.bankAccount")}
          inputMode="numeric"
          error={error("bankAccount")}
          {...field("bankAccount")}
        />
      </fieldset>
    </>
  );
}
