import { data } from "react-router";

/** Benchmark only (BENCH=1): the framework ceiling, a resource route answering a constant. */
export function loader() {
  if (process.env.BENCH !== "1") throw data(null, { status: 404 });
  return new Response("ok", { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
}
