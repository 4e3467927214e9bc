import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import { sql } from '../db/database';
import { createSession } from '../domain/auth/sessions';
import type { Runtime } from '../runtime';
import { dispatch } from './dispatch';
import { AppError } from '../errors';

/**
 * Calls API methods in-process as an existing user, through the full dispatcher (roles, validation,
 * transactions, audit). Used by the demo generator and by tests; never exposed to the network.
 */
export class InternalClient {
  private token: string | null;

  constructor(
    private readonly runtime: Runtime,
    private readonly ip = 'internal',
    token: string | null = null,
  ) {
    this.token = token;
  }

  static asUser(runtime: Runtime, username: string): InternalClient {
    const row = sql(runtime.app.db, 'SELECT id FROM users WHERE username = ?').get(username) as { id: number } | undefined;
    if (!row) throw new Error(`no such user: ${username}`);
    const { token } = createSession(runtime.app.db, row.id, runtime.app.clock.now(), { ip: 'internal' });
    return new InternalClient(runtime, 'internal', token);
  }

  async call<K extends MethodName>(method: K, input: MethodInput<K>): Promise<MethodOutput<K>> {
    const result = await dispatch(
      this.runtime,
      method,
      input,
      { transport: 'internal', ip: this.ip, token: this.token },
      { set: (t) => void (this.token = t), clear: () => void (this.token = null) },
    );
    if (!result.ok) throw new AppError(result.body.error.code, result.body.error.message, result.body.error.issues);
    return result.value as MethodOutput<K>;
  }
}
