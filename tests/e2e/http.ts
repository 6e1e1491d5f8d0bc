// Plain HTTP against the running server: fetch without following redirects, and a small cookie jar.

/** Name → value; enough for one host, no paths or expiry beyond "deleted". */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  /** Takes every Set-Cookie of a response; a cookie cleared with Max-Age=0 or an old Expires is dropped. */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = "", val = ""] = a.split("=").map((s) => s.trim());
        if (key.toLowerCase() === "max-age") return Number(val) <= 0;
        if (key.toLowerCase() === "expires") return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export interface RequestOptions {
  method?: string;
  jar?: CookieJar;
  headers?: Record<string, string>;
  form?: Record<string, string>;
}

/** One request, redirects not followed; the jar (if any) sends its cookies and takes the answer's. */
export async function request(baseUrl: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  const cookie = options.jar?.header();
  if (cookie) headers.set("Cookie", cookie);
  let body: URLSearchParams | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  const response = await fetch(new URL(path, baseUrl), {
    method: options.method ?? (body ? "POST" : "GET"),
    headers,
    body,
    redirect: "manual",
  });
  options.jar?.store(response);
  return response;
}

/** POST /login as a browser on our own page would (form-encoded, `Origin` = the site). */
export function postLogin(baseUrl: string, username: string, password: string, jar?: CookieJar): Promise<Response> {
  return request(baseUrl, "/login", {
    jar,
    headers: { Origin: baseUrl },
    form: { username, password },
  });
}
