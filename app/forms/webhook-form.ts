import { z } from "zod";

/**
 * The webhook endpoint form, checked by react-hook-form in the browser and by the action on
 * the server. Messages are i18n keys. The service checks the address policy and the event
 * catalogue again: this schema only says what a person can fix while typing.
 */

const asList = (value: unknown): unknown[] =>
  value === undefined || value === null || value === false ? [] : Array.isArray(value) ? value : [value];

export const webhookEndpointSchema = z.object({
  url: z
    .string()
    .trim()
    .min(1, "validation.required")
    .max(2000, "validation.tooLong")
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "webhooks.errors.url_invalid" });
        return;
      }
      if (url.protocol !== "http:" && url.protocol !== "https:")
        ctx.addIssue({ code: "custom", message: "webhooks.errors.url_scheme" });
    }),
  description: z.string().trim().max(200, "validation.tooLong"),
  events: z.preprocess(asList, z.array(z.string().max(40)).min(1, "webhooks.errors.eventsRequired").max(40)),
  active: z.preprocess((v) => v === "1" || v === true, z.boolean()),
});

export type WebhookEndpointValues = z.input<typeof webhookEndpointSchema>;

/** What was typed, to refill the form after a refused submit (checkbox groups included). */
export function typedEndpointValues(form: FormData) {
  return {
    url: String(form.get("url") ?? ""),
    description: String(form.get("description") ?? ""),
    events: form.getAll("events").map(String),
    active: form.get("active") === "1",
  };
}
