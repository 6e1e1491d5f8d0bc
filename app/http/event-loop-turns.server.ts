/**
 * Resolves its callers one per turn of the event loop, in the order they asked.
 *
 * On SQLite a page's loaders never wait for I/O, so everything between reading a request and
 * writing its page is CPU work; what decides how responsive the server stays is how often the
 * event loop gets back to its poll phase, where it reads sockets and accepts new connections.
 * Awaiting one `setImmediate` each was not enough: all the renders that waited ran in one check
 * phase (8 pages of ~5 ms at the admission limit), and under such load the server was seen to take
 * up one new connection per turn (its `connection` events ~45–80 ms apart), so the 50th connection
 * of a burst got its first byte after ~50 such turns — 2–3 s where the server itself counted 0.3 s
 * (issue 9; a bare Node server with 50 busy keep-alive connections showed the same: 2.7–5.1 s for a
 * new connection's first byte, 0.27–0.36 s with one render per turn).
 */
const waiting: Array<() => void> = [];
let scheduled = false;

function releaseOne() {
  scheduled = false;
  waiting.shift()?.();
  // Scheduled from inside the check phase: it runs on the next turn, after a poll phase.
  if (waiting.length) schedule();
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  setImmediate(releaseOne);
}

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    schedule();
  });
}
