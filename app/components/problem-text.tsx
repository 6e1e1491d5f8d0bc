import { useTranslation } from "../i18n/use-translation";
import type { LineProblem } from "../services/order-lines.server";

/** One order line's problem in words: unknown code, unlisted, a quantity rule, or short stock. */
export function ProblemText({ problem }: { problem: LineProblem }) {
  const { t } = useTranslation();
  return <span className="text-sm text-red-600">{t(`shop.problems.${problem.code}`, problem)}</span>;
}
