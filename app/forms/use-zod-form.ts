import { zodResolver } from "@hookform/resolvers/zod";
import type { FormEvent } from "react";
import { type DefaultValues, type FieldValues, get, useForm } from "react-hook-form";
import { useSubmit } from "react-router";
import type { z } from "zod";

/**
 * A plain <Form> checked in the browser by react-hook-form with the action's own zod schema.
 * Valid input is submitted as the browser would (the form element's FormData), so the page
 * works the same without JavaScript; the server's field errors show where the browser's would.
 */
export function useZodForm<Input extends FieldValues, Output>(
  schema: z.ZodType<Output, Input>,
  options: { defaultValues: DefaultValues<Input>; serverErrors?: Record<string, string> | null },
) {
  const submit = useSubmit();
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(schema as any) as any,
    defaultValues: options.defaultValues,
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const element = event.currentTarget;
    void form.handleSubmit(() => submit(element))(event);
  };
  /**
   * `register` plus the field's starting value as `defaultValue`, so the server-rendered page
   * already shows it: react-hook-form fills inputs only once JavaScript runs.
   */
  const field = (name: string) => ({
    ...form.register(name as any),
    defaultValue: (get(options.defaultValues, name) as string | undefined) ?? "",
  });
  /** The same for one radio button of a group. */
  const radio = (name: string, value: string) => ({
    ...form.register(name as any),
    value,
    defaultChecked: get(options.defaultValues, name) === value,
  });
  /** The i18n key of the message for a field: the browser's check first, then the server's. */
  const errorKey = (name: string): string | undefined =>
    (get(form.formState.errors, name) as { message?: string } | undefined)?.message ??
    options.serverErrors?.[name] ??
    undefined;
  return { ...form, onSubmit, errorKey, field, radio };
}
