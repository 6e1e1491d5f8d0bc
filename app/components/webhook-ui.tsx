import { Form, useNavigation } from "react-router";
import { eventsOfGroup, WEBHOOK_EVENT_GROUPS } from "../domain/webhooks";
import { useZodForm } from "../forms/use-zod-form";
import { webhookEndpointSchema } from "../forms/webhook-form";
import { useTranslation } from "../i18n/use-translation";
import { Button } from "./button";
import { TextField } from "./text-field";

/** The i18n key of an event type or wildcard: `order.submitted` → webhooks.events.order_submitted. */
export const eventLabelKey = (pattern: string) =>
  pattern.endsWith(".*")
    ? `webhooks.allEvents.${pattern.slice(0, -2)}`
    : `webhooks.events.${pattern.replace(".", "_")}`;

const DELIVERY_TONES = {
  pending: { badge: "bg-amber-50 text-amber-800 ring-amber-600/20", dot: "bg-amber-500" },
  delivered: { badge: "bg-emerald-50 text-emerald-800 ring-emerald-600/20", dot: "bg-emerald-500" },
  failed: { badge: "bg-red-50 text-red-800 ring-red-600/20", dot: "bg-red-500" },
  paused: { badge: "bg-slate-100 text-slate-700 ring-slate-500/20", dot: "bg-slate-400" },
} as const;

/** A delivery's state (or an endpoint's active/paused) in its colour; `label` is translated. */
export function DeliveryBadge({ tone, label }: { tone: keyof typeof DELIVERY_TONES; label: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${DELIVERY_TONES[tone].badge}`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${DELIVERY_TONES[tone].dot}`} />
      {label}
    </span>
  );
}

/** An HTTP status of an attempt: green 2xx, amber 3xx/4xx, red 5xx or no answer at all. */
export function HttpStatus({ code }: { code: number | null }) {
  const { t } = useTranslation();
  const tone =
    code === null
      ? "bg-red-50 text-red-700 ring-red-600/20"
      : code < 300
        ? "bg-emerald-50 text-emerald-700 ring-emerald-600/20"
        : code < 500
          ? "bg-amber-50 text-amber-800 ring-amber-600/20"
          : "bg-red-50 text-red-700 ring-red-600/20";
  return (
    <span className={`inline-flex rounded px-1.5 py-0.5 font-mono text-xs ring-1 ring-inset ${tone}`}>
      {code ?? t("webhooks.deliveries.noResponse")}
    </span>
  );
}

export interface EndpointFormValues {
  url: string;
  description: string;
  events: string[];
  active: boolean;
}

/** URL, description, events by group (with a "whole group" wildcard each), active. */
export function EndpointForm({
  defaultValues,
  serverErrors,
  submitLabel,
  intent,
}: {
  defaultValues: EndpointFormValues;
  serverErrors?: Record<string, string> | null;
  submitLabel: string;
  intent?: string;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const form = useZodForm(webhookEndpointSchema, {
    defaultValues: { ...defaultValues, active: defaultValues.active ? "1" : "" },
    serverErrors,
  });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  const chosen = new Set(defaultValues.events);
  const eventsError = error("events");
  return (
    <Form method="post" onSubmit={form.onSubmit} noValidate className="space-y-4">
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <TextField
        label={t("webhooks.fields.url")}
        {...form.field("url")}
        type="url"
        inputMode="url"
        autoComplete="off"
        placeholder="https://erp.example.com/dinghuo/webhooks"
        error={error("url")}
      />
      <p className="-mt-3 text-xs text-slate-500">{t("webhooks.fields.urlHint")}</p>
      <TextField
        label={t("webhooks.fields.description")}
        {...form.field("description")}
        placeholder={t("webhooks.fields.descriptionHint")}
        error={error("description")}
      />
      <fieldset aria-describedby={eventsError ? "webhook-events-error" : undefined}>
        <legend className="mb-1 block text-sm font-medium text-slate-700">{t("webhooks.fields.events")}</legend>
        <p className="mb-2 text-xs text-slate-500">{t("webhooks.fields.eventsHint")}</p>
        <div className="grid gap-3 md:grid-cols-3">
          {WEBHOOK_EVENT_GROUPS.map((group) => (
            <div key={group} className="rounded-md border border-slate-200 p-3">
              <p className="mb-1 text-sm font-semibold text-slate-800">{t(`webhooks.groups.${group}`)}</p>
              <ul className="space-y-1 text-sm">
                {[`${group}.*`, ...eventsOfGroup(group)].map((pattern) => (
                  <li key={pattern}>
                    <label className="flex min-h-8 items-start gap-2">
                      <input
                        type="checkbox"
                        {...form.register("events")}
                        value={pattern}
                        defaultChecked={chosen.has(pattern)}
                        className="mt-0.5 size-4 shrink-0 rounded border-slate-300"
                      />
                      <span className={pattern.endsWith(".*") ? "font-medium" : ""}>
                        {t(eventLabelKey(pattern))}
                        <code className="ml-1 text-xs text-slate-500">{pattern}</code>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
        {eventsError ? (
          <p id="webhook-events-error" className="mt-1 text-sm text-red-600">
            {eventsError}
          </p>
        ) : null}
      </fieldset>
      <label className="inline-flex min-h-11 items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          {...form.register("active")}
          value="1"
          defaultChecked={defaultValues.active}
          className="size-4 rounded border-slate-300"
        />
        {t("webhooks.fields.active")}
      </label>
      <div>
        <Button type="submit" disabled={navigation.state !== "idle"}>
          {submitLabel}
        </Button>
      </div>
    </Form>
  );
}

/** A signing secret right after it was made: shown this once, selectable for copying. */
export function SecretOnce({ secret }: { secret: string }) {
  const { t } = useTranslation();
  return (
    <div className="space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-inset ring-amber-200">
      <p className="text-sm font-medium text-amber-900">{t("webhooks.secret.once")}</p>
      <code
        data-testid="webhook-secret"
        className="block select-all break-all rounded bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-200"
      >
        {secret}
      </code>
    </div>
  );
}
