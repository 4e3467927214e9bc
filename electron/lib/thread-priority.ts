import os from 'node:os';

/** The nice value of background threads: a thread at 0 gets about ten times their share of a core it wants too. */
const BACKGROUND_NICE = 10;

/**
 * Lowers the calling worker thread's CPU priority, so that on a busy machine the thread that answers the villages
 * wins the core. Linux keeps nice values per thread (setpriority for "process 0" names the calling thread), so only
 * this thread yields. Elsewhere the same call would lower the whole process, the request thread with it: there it
 * does nothing.
 */
export function yieldCpuToRequests(): void {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(0, BACKGROUND_NICE);
  } catch {
    // not allowed here: run at the normal priority
  }
}
