import { useRouteLoaderData } from "react-router";
import { formatDate, formatDateTime } from "../i18n/format";
import { useTranslation } from "../i18n/use-translation";

/** A stored UTC time in the deployment's time zone (from the root loader) and the reader's locale. */
export function DateTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const { i18n } = useTranslation();
  const root = useRouteLoaderData("root") as { timeZone?: string } | undefined;
  const timeZone = root?.timeZone ?? "Asia/Shanghai";
  return (
    <time dateTime={iso}>
      {dateOnly ? formatDate(iso, i18n.language, timeZone) : formatDateTime(iso, i18n.language, timeZone)}
    </time>
  );
}
