// Worker-thread entry (bundled as dist/electron/backup-verify-worker.cjs): verifies one backup copy.
import { parentPort, workerData } from 'node:worker_threads';
import { verifyCopyHere } from './verify-copy';

const { file, latestVersion } = workerData as { file: string; latestVersion: number };
try {
  parentPort!.postMessage(verifyCopyHere(file, latestVersion));
} catch (err) {
  parentPort!.postMessage({ failure: { message: (err as Error).message, code: (err as NodeJS.ErrnoException).code } });
}
