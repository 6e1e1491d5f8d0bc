import { FUND_ACCOUNTS } from "../domain/funds";
import { useTranslation } from "../i18n/use-translation";
import type { Statement } from "../services/funds.server";
import { SignedMoney, useFundsFormat } from "./funds-ui";

const cell = "border-b border-slate-200 px-1 py-1.5 align-top sm:px-2 print:px-1 print:py-1";
const head =
  "border-b-2 border-slate-300 px-1 py-1.5 text-left text-xs font-semibold text-slate-600 sm:px-2 print:px-1";

/**
 * A statement (对账单) as both sides see and print it: who, which period, per account the
 * opening, movements and closing, then every movement with its account's running balance.
 * Laid out for A4 portrait: no colours needed, tables that break across pages cleanly.
 */
export function StatementView({ statement, printedAt }: { statement: Statement; printedAt: string }) {
  const { t } = useTranslation();
  const { money, dateTime } = useFundsFormat();
  const { customer, totals, lines } = statement;
  return (
    <article className="rounded-lg border border-slate-200 bg-white p-4 text-sm print:border-0 print:p-0 print:text-[11px]">
      <header className="mb-4 border-b border-slate-300 pb-3">
        <h2 className="text-lg font-semibold text-slate-900">{t("funds.statement.title")}</h2>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-slate-700 sm:grid-cols-[auto_1fr_auto_auto]">
          <dt className="text-slate-500">{t("funds.statement.customer")}</dt>
          <dd data-testid="statement-customer">
            <span className="font-mono">{customer.code}</span> {customer.name}
          </dd>
          <dt className="text-slate-500">{t("funds.creditLimit")}</dt>
          <dd className="tabular-nums">{money(statement.creditLimit)}</dd>
          <dt className="text-slate-500">{t("funds.statement.period")}</dt>
          <dd data-testid="statement-period" className="tabular-nums">
            {t("funds.statement.periodValue", { from: statement.from, to: statement.to })}
          </dd>
          <dt className="text-slate-500">{t("funds.statement.printed")}</dt>
          <dd className="tabular-nums">{dateTime(printedAt)}</dd>
        </dl>
      </header>

      <h3 className="mb-1 font-semibold text-slate-800">{t("funds.statement.summary")}</h3>
      {/* Phones: one line per account; desks and paper: the table. */}
      <ul className="mb-5 divide-y divide-slate-200 sm:hidden print:hidden">
        {FUND_ACCOUNTS.map((account) => (
          <li key={account} className="py-2">
            <p className="flex justify-between gap-2">
              <span className="font-medium">{t(`funds.accounts.${account}`)}</span>
              <span className="font-semibold tabular-nums">{money(totals[account].closing)}</span>
            </p>
            <p className="text-xs tabular-nums text-slate-500">
              {t("funds.statement.opening")} {money(totals[account].opening)} · {t("funds.statement.increase")}{" "}
              {money(totals[account].increase)} · {t("funds.statement.decrease")} {money(totals[account].decrease)}
            </p>
          </li>
        ))}
      </ul>
      <div className="mb-5 hidden sm:block print:block">
        <table className="w-full border-collapse print:text-[11px]" data-testid="statement-summary">
          <thead>
            <tr>
              <th scope="col" className={head}>
                {t("funds.ledger.account")}
              </th>
              <th scope="col" className={`${head} text-right`}>
                {t("funds.statement.opening")}
              </th>
              <th scope="col" className={`${head} text-right`}>
                {t("funds.statement.increase")}
              </th>
              <th scope="col" className={`${head} text-right`}>
                {t("funds.statement.decrease")}
              </th>
              <th scope="col" className={`${head} text-right`}>
                {t("funds.statement.closing")}
              </th>
            </tr>
          </thead>
          <tbody>
            {FUND_ACCOUNTS.map((account) => (
              <tr key={account} data-testid={`statement-${account}`}>
                <th scope="row" className={`${cell} whitespace-nowrap text-left font-medium`}>
                  {t(`funds.accounts.${account}`)}
                </th>
                <td className={`${cell} text-right tabular-nums`}>{money(totals[account].opening)}</td>
                <td className={`${cell} text-right tabular-nums`}>{money(totals[account].increase)}</td>
                <td className={`${cell} text-right tabular-nums`}>{money(totals[account].decrease)}</td>
                <td className={`${cell} text-right font-semibold tabular-nums`}>{money(totals[account].closing)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3 className="mb-1 font-semibold text-slate-800">{t("funds.statement.movements")}</h3>
      {lines.length === 0 ? (
        <p className="py-4 text-center text-slate-500">{t("funds.statement.noMovements")}</p>
      ) : (
        <>
          {/* Phones: one card per movement; desks and paper: the table. */}
          <ul className="divide-y divide-slate-200 sm:hidden print:hidden">
            {lines.map((line) => (
              <li key={line.id} className="flex items-start justify-between gap-3 py-2">
                <div className="min-w-0">
                  <p className="font-medium">
                    {t(`funds.kinds.${line.kind}`)}
                    <span className="font-normal text-slate-500"> · {t(`funds.accounts.${line.account}`)}</span>
                  </p>
                  <p className="text-xs tabular-nums text-slate-500">
                    {line.businessDate}
                    {line.method ? ` · ${t(`funds.methods.${line.method}`)}` : ""}
                  </p>
                  {line.reference || line.reason ? (
                    <p className="break-words text-xs text-slate-600">
                      {[line.reference, line.reason].filter(Boolean).join(" · ")}
                    </p>
                  ) : null}
                </div>
                <div className="shrink-0 text-right">
                  <SignedMoney fen={line.amount} />
                  <p className="text-xs tabular-nums text-slate-500">
                    {t("funds.statement.running")} {money(line.runningBalance)}
                  </p>
                </div>
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto sm:block print:block print:overflow-visible">
            <table className="w-full border-collapse" data-testid="statement-lines">
              <thead className="print:table-header-group">
                <tr>
                  <th scope="col" className={head}>
                    {t("funds.ledger.date")}
                  </th>
                  <th scope="col" className={head}>
                    {t("funds.ledger.account")}
                  </th>
                  <th scope="col" className={head}>
                    {t("funds.ledger.kind")}
                  </th>
                  <th scope="col" className={head}>
                    {t("funds.ledger.reference")}
                  </th>
                  <th scope="col" className={head}>
                    {t("funds.ledger.reason")}
                  </th>
                  <th scope="col" className={`${head} text-right`}>
                    {t("funds.ledger.amount")}
                  </th>
                  <th scope="col" className={`${head} text-right`}>
                    {t("funds.statement.running")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => (
                  <tr key={line.id} className="break-inside-avoid">
                    <td className={`${cell} whitespace-nowrap tabular-nums`}>{line.businessDate}</td>
                    <td className={`${cell} whitespace-nowrap`}>{t(`funds.accounts.${line.account}`)}</td>
                    <td className={`${cell} whitespace-nowrap`}>
                      {t(`funds.kinds.${line.kind}`)}
                      {line.method ? (
                        <span className="text-slate-500"> · {t(`funds.methods.${line.method}`)}</span>
                      ) : null}
                    </td>
                    <td className={`${cell} break-words font-mono text-xs`}>{line.reference || "—"}</td>
                    <td className={`${cell} text-slate-700`}>
                      {line.reason || "—"}
                      {line.reversalOf ? (
                        <span className="block text-xs text-slate-500">
                          {t("funds.ledger.reversalOf", { id: line.reversalOf })}
                        </span>
                      ) : null}
                    </td>
                    <td className={`${cell} whitespace-nowrap text-right`}>
                      <SignedMoney fen={line.amount} />
                    </td>
                    <td className={`${cell} whitespace-nowrap text-right tabular-nums`}>
                      {money(line.runningBalance)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p className="mt-10 hidden text-slate-700 print:block">{t("funds.statement.signature")}</p>
    </article>
  );
}
