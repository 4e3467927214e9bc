import type { Manifest } from '../../shared/prefecture/package';
import type { HubSigner } from './prefecture/key';

/**
 * What each worker read (worker-reads.ts) takes and answers, apart from its implementation so that the handler
 * context can name them without importing the domain code behind them.
 */
export interface WorkerReads {
  'prefecture.packageBytes': {
    input: { period: string; signer: HubSigner };
    /** The gzip bytes as they travel (a Uint8Array once cloned from the worker) and the manifest inside them. */
    output: { manifest: Manifest; bytes: Uint8Array };
  };
}

export type WorkerReadName = keyof WorkerReads;
