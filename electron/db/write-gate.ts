/**
 * The one gate in front of the writer connection while a worker thread writes the same file with a connection of
 * its own (a catalog import: seconds of inserts). SQLite lets one connection write at a time; a write on this
 * thread meanwhile would wait in busy_timeout, a synchronous sleep that freezes every request of every village.
 * Instead this thread's writes await `open()` (a promise), then run. Reads never wait: WAL keeps answering them
 * from their snapshot.
 */
export class WriteGate {
  private held: Promise<void> | null = null;

  /** True while a worker holds the file for writing: this thread must not write now. */
  get isHeld(): boolean {
    return this.held !== null;
  }

  /**
   * Resolves once no worker holds the file. The caller must write before its next await: between this promise's
   * resolution and the caller's synchronous write no other task runs, so no worker can take the file meanwhile.
   */
  async open(): Promise<void> {
    while (this.held) await this.held;
  }

  /** Runs `write` now when the gate is open, else once it opens (writes nobody waits for: a refusal's audit row). */
  whenOpen(write: () => void): void {
    if (!this.held) write();
    else void this.open().then(write);
  }

  /** Takes the file for a worker's write; this thread's writes wait until `release` is called (once). */
  async hold(): Promise<() => void> {
    await this.open();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held = held;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (this.held === held) this.held = null;
      release();
    };
  }
}
