import type { TFunction } from "i18next";
import type { InputHTMLAttributes } from "react";
import { PERMISSION_AREAS } from "../domain/permissions";
import { useTranslation } from "../i18n/use-translation";
import { AppNavLink } from "./row-link";
import { TextField } from "./text-field";

/** A role as people know it: built-in roles by their translated name, custom ones by theirs. */
export function roleLabel(t: TFunction, role: { key: string | null; name: string }): string {
  return role.key ? t(`roles.${role.key}`, { defaultValue: role.name }) : role.name;
}

const TABS = [
  { to: "/admin/settings/staff", key: "staff" },
  { to: "/admin/settings/roles", key: "roles" },
  { to: "/admin/settings/permissions", key: "matrix" },
  { to: "/admin/settings/audit", key: "audit" },
] as const;

/** The tabs shared by the staff, role, matrix and audit pages. */
export function SettingsTabs() {
  const { t } = useTranslation();
  return (
    <nav aria-label={t("staff.tabs.label")} className="mb-4 flex gap-1 overflow-x-auto border-b border-slate-200">
      {TABS.map((tab) => (
        <AppNavLink
          key={tab.key}
          to={tab.to}
          className={({ isActive }) =>
            `-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm ${
              isActive
                ? "border-brand-600 font-medium text-brand-700"
                : "border-transparent text-slate-600 hover:text-slate-900"
            }`
          }
        >
          {t(`staff.tabs.${tab.key}`)}
        </AppNavLink>
      ))}
    </nav>
  );
}

export function ActiveBadge({ active }: { active: boolean }) {
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

export function RoleTypeBadge({ builtin }: { builtin: boolean }) {
  const { t } = useTranslation();
  return (
    <span
      className={`rounded px-1.5 py-0.5 text-xs font-medium ${
        builtin ? "bg-slate-100 text-slate-700" : "bg-brand-50 text-brand-700"
      }`}
    >
      {t(builtin ? "staff.common.builtin" : "staff.common.custom")}
    </span>
  );
}

/**
 * The 27 permissions as checkboxes grouped by area, named `permissions`. Works without
 * JavaScript: unchecked boxes send nothing. `locked` shows them all ticked and unchangeable
 * (系统管理员), and then they are not submitted at all.
 */
export function PermissionChecklist({
  checked,
  locked = false,
  disabled = false,
}: {
  checked: ReadonlySet<string>;
  locked?: boolean;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="grid gap-4 sm:grid-cols-2 2xl:grid-cols-3">
      {Object.entries(PERMISSION_AREAS).map(([area, keys]) => (
        <fieldset key={area} className="rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold text-slate-800">{t(`staff.areas.${area}`)}</legend>
          <ul className="space-y-1">
            {keys.map((key) => (
              <li key={key}>
                <label className="flex items-start gap-2 py-1 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    name={locked ? undefined : "permissions"}
                    value={key}
                    defaultChecked={locked || checked.has(key)}
                    disabled={locked || disabled}
                    className="mt-0.5 size-4 shrink-0 rounded border-slate-300"
                  />
                  <span>
                    <span className="block">{t(`staff.permissions.${key}`)}</span>
                    <span className="block text-xs text-slate-500">
                      <code className="font-mono">{key}</code> · {t(`staff.hints.${key}`)}
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      ))}
    </div>
  );
}

type Register = (name: string) => object;

/**
 * Roles (several) and region scope (all, or chosen regions: 分区查看/分区审核) of a staff
 * form, as checkbox groups `roleIds` and `regionIds` and a radio `regionMode`.
 */
export function AccessFields({
  register,
  error,
  roles,
  regions,
  defaults,
  disabled = false,
}: {
  register: Register;
  error: (name: string) => string | undefined;
  roles: ReadonlyArray<{ id: number; key: string | null; name: string; builtin: boolean }>;
  regions: ReadonlyArray<{ id: number; name: string }>;
  defaults: { roleIds: readonly string[]; regionMode: "all" | "limited"; regionIds: readonly string[] };
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const rolesError = error("roleIds");
  const regionsError = error("regionIds");
  return (
    <>
      <fieldset className="sm:col-span-2" aria-describedby={rolesError ? "roleIds-error" : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-700">{t("staff.form.roles")}</legend>
        <p className="mb-2 text-xs text-slate-500">{t("staff.form.rolesHint")}</p>
        <div className="grid gap-x-4 sm:grid-cols-2 lg:grid-cols-3">
          {roles.map((r) => (
            <label key={r.id} className="flex min-h-9 items-start gap-2 py-1.5 text-sm text-slate-700">
              <input
                type="checkbox"
                value={String(r.id)}
                defaultChecked={defaults.roleIds.includes(String(r.id))}
                disabled={disabled}
                className="mt-0.5 size-4 shrink-0 rounded border-slate-300"
                {...register("roleIds")}
              />
              <span>
                {roleLabel(t, r)}
                {r.key === "admin" ? (
                  <span className="block text-xs text-amber-700">{t("staff.form.adminRole")}</span>
                ) : null}
              </span>
            </label>
          ))}
        </div>
        {rolesError ? (
          <p id="roleIds-error" className="mt-1 text-sm text-red-600">
            {rolesError}
          </p>
        ) : null}
      </fieldset>
      <fieldset className="sm:col-span-2" aria-describedby={regionsError ? "regionIds-error" : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-700">{t("staff.form.regions")}</legend>
        <div className="flex flex-wrap gap-x-6">
          {(["all", "limited"] as const).map((mode) => (
            <label key={mode} className="inline-flex min-h-9 items-center gap-2 text-sm text-slate-700">
              <input
                type="radio"
                value={mode}
                defaultChecked={defaults.regionMode === mode}
                disabled={disabled}
                className="size-4 border-slate-300"
                {...register("regionMode")}
              />
              {t(mode === "all" ? "staff.form.regionsAll" : "staff.form.regionsLimited")}
            </label>
          ))}
        </div>
        <p className="mb-1 text-xs text-slate-500">{t("staff.form.regionsHint")}</p>
        <div className="flex flex-wrap gap-x-4 rounded-md bg-slate-50 px-3 py-1">
          {regions.map((r) => (
            <label key={r.id} className="flex min-h-9 items-start gap-2 py-1.5 text-sm text-slate-700">
              <input
                type="checkbox"
                value={String(r.id)}
                defaultChecked={defaults.regionIds.includes(String(r.id))}
                disabled={disabled}
                className="size-4 rounded border-slate-300"
                {...register("regionIds")}
              />
              {r.name}
            </label>
          ))}
        </div>
        {regionsError ? (
          <p id="regionIds-error" className="mt-1 text-sm text-red-600">
            {regionsError}
          </p>
        ) : null}
      </fieldset>
    </>
  );
}

/** One's own password, asked again before roles are given or changed. */
export function ActorPasswordField({ error, input }: { error?: string; input: InputHTMLAttributes<HTMLInputElement> }) {
  const { t } = useTranslation();
  return (
    <div className="rounded-md border border-amber-200 bg-amber-50/60 p-3 sm:col-span-2">
      <TextField
        label={t("staff.form.actorPassword")}
        type="password"
        autoComplete="current-password"
        error={error}
        {...input}
      />
      <p className="mt-1 text-xs text-slate-600">{t("staff.form.actorPasswordHint")}</p>
    </div>
  );
}
