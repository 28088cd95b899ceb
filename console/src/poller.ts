/**
 * Runs `task` now and then every `ms` from the start of the last run, never two at once;
 * `now()` runs it again at once (after a change), and a tab coming back into view refreshes.
 */
export function poll(ms: number, task: () => Promise<void>) {
  let timer: number | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  async function tick(): Promise<void> {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    window.clearTimeout(timer);
    const started = Date.now();
    try {
      await task();
    } finally {
      running = false;
      if (!stopped) {
        const wait = again ? 0 : Math.max(0, ms - (Date.now() - started));
        again = false;
        timer = window.setTimeout(() => void tick(), wait);
      }
    }
  }

  const onVisible = (): void => {
    if (document.visibilityState === 'visible') void tick();
  };
  document.addEventListener('visibilitychange', onVisible);
  void tick();

  return {
    now: () => void tick(),
    stop(): void {
      stopped = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
