import { data } from "react-router";
import { getDatabase } from "../../db.server";
import type { Route } from "./+types/ssr";

/** Benchmark only (BENCH=1): the SSR ceiling, a bare page rendering 20 rows read from the database. */
export async function loader() {
  if (process.env.BENCH !== "1") throw data(null, { status: 404 });
  const rows = await getDatabase()
    .db.selectFrom("skus")
    .select(["id", "code", "spec"])
    .orderBy("id")
    .limit(20)
    .execute();
  return { rows };
}

export default function BenchSsr({ loaderData }: Route.ComponentProps) {
  return (
    <table>
      <tbody>
        {loaderData.rows.map((r) => (
          <tr key={r.id}>
            <td>{r.code}</td>
            <td>{r.spec}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
