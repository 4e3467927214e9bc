import os from 'node:os';

/** How much nicer than the process background threads are: ten steps give the request thread ~10× their share. */
const BACKGROUND_NICE_STEPS = 10;
/** The nicest value Linux has. */
const NICEST = 19;

/**
 * Lowers the calling worker thread's CPU priority, so that on a busy machine the thread that answers the villages
 * wins the core. Linux keeps nice values per thread (setpriority for "process 0" names the calling thread), so only
 * this thread yields. Elsewhere the same call would lower the whole process, the request thread with it: there it
 * does nothing.
 */
export function yieldCpuToRequests(): void {
  if (process.platform !== 'linux') return;
  try {
    // Relative to the thread's own (the process's, when started under `nice`): always below the request thread.
    os.setPriority(0, Math.min(NICEST, os.getPriority(0) + BACKGROUND_NICE_STEPS));
  } catch {
    // not allowed here: run at the normal priority
  }
}
