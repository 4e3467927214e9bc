export async function runServerBench(..._a: unknown[]): Promise<Record<string, unknown>> { return {}; }
