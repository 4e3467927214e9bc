import os from 'node:os';

/** How much nicer than the process background threads are: ten steps give the request thread ~10× their share. */
const BACKGROUND_NICE_STEPS = 10;
/** The nicest value Linux has. */
const NICEST = 19;

/** The calling thread's nice value before yieldCpuToRequests, or null when it did not change it. */
let priorityBefore: number | null = null;

/**
 * Lowers the calling worker thread's CPU priority, so that on a busy machine the thread that answers the villages
 * wins the core. Linux keeps nice values per thread (setpriority for "process 0" names the calling thread), so only
 * this thread yields. Elsewhere the same call would lower the whole process, the request thread with it: there it
 * does nothing.
 */
export function yieldCpuToRequests(): void {
  if (process.platform !== 'linux') return;
  try {
    const own = os.getPriority(0);
    // Relative to the thread's own (the process's, when started under `nice`): always below the request thread.
    os.setPriority(0, Math.min(NICEST, own + BACKGROUND_NICE_STEPS));
    priorityBefore = own;
  } catch {
    // not allowed here: run at the normal priority
  }
}

/**
 * Gives the calling thread its priority back before it holds what the request thread waits for (the hub's write
 * gate): a thread ten steps nicer, holding the gate on two busy cores, ran its last transaction three times slower
 * than its CPU time, and every village posting waited that long. Linux lets a thread lower its nice value again only
 * with CAP_SYS_NICE (or RLIMIT_NICE); without it the thread stays where it is.
 */
export function resumeNormalPriority(): void {
  if (priorityBefore === null) return;
  try {
    os.setPriority(0, priorityBefore);
    priorityBefore = null;
  } catch {
    // not allowed here: the thread stays nicer
  }
}
