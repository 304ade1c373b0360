// Stop strings: where generated text must end, shared by every backend and the HTTP server.

/** Index of the earliest occurrence of any stop string in `text`, or -1. */
export function findStop(text: string, stops: readonly string[] | undefined): number {
  let best = -1;
  for (const s of stops ?? []) {
    if (!s) continue;
    const i = text.indexOf(s);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

/**
 * Length of the end of `text` that could still become a stop string (a proper prefix of one):
 * a streaming writer holds that much back until the next token decides.
 */
export function pendingStopLength(text: string, stops: readonly string[] | undefined): number {
  let hold = 0;
  for (const s of stops ?? []) {
    for (let n = Math.min(s.length - 1, text.length); n > hold; n--) {
      if (text.endsWith(s.slice(0, n))) { hold = n; break; }
    }
  }
  return hold;
}
