export async function runPostBench(..._a: unknown[]): Promise<Record<string, unknown>> { return {}; }
