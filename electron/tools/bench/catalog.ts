export async function runCatalogBench(..._a: unknown[]): Promise<Record<string, unknown>> { return {}; }
