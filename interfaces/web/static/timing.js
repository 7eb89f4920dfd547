// Waiting between polls, stopped as soon as the page that polls is left.

/** Resolves after `ms`; rejects with an AbortError when `signal` aborts first. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException("The page was left.", "AbortError"));
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new DOMException("The page was left.", "AbortError"));
      },
      { once: true },
    );
  });
}

/** Whether `error` only says the page was left (nothing to show). */
export function untilAbort(error) {
  return error?.name === "AbortError";
}
