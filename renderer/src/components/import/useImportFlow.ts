import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { ApiError } from '../../api/client';
import { readFileAsBase64 } from '../../pages/catalog/files';

export type File64 = { filename: string; base64: string };
export type CommitMode = 'all' | 'cleanRowsOnly';
export type ImportBusy = 'preview' | CommitMode | null;

/**
 * The steps every file import takes (catalog, settlement details, …): read the chosen file, preview it on the
 * server (again with another column mapping), commit all rows or knowingly only the clean ones, refresh the
 * lists it changed. Nothing is written before the commit; a failed preview keeps the last good one on a remap.
 */
export function useImportFlow<Preview extends { mapping: Mapping }, Mapping, Result>(options: {
  preview(file: File64, mapping?: Mapping): Promise<Preview>;
  commit(file: File64, mapping: Mapping, mode: CommitMode): Promise<Result>;
  /** Query keys (method names) whose answers the import changes. */
  invalidates: string[];
}) {
  const { message } = App.useApp();
  const client = useQueryClient();
  const [file, setFile] = useState<File64 | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState<ImportBusy>(null);
  const [problem, setProblem] = useState<string | null>(null);

  function reset() {
    setFile(null);
    setPreview(null);
    setResult(null);
    setProblem(null);
  }

  async function runPreview(f: File64, mapping?: Mapping) {
    setBusy('preview');
    setProblem(null);
    try {
      setPreview(await options.preview(f, mapping));
    } catch (err) {
      setProblem((err as Error).message);
      if (!mapping) setPreview(null);
    } finally {
      setBusy(null);
    }
  }

  async function choose(picked: File) {
    const next = { filename: picked.name, base64: await readFileAsBase64(picked) };
    setFile(next);
    await runPreview(next);
  }

  async function commit(mode: CommitMode) {
    if (!file || !preview) return;
    setBusy(mode);
    try {
      setResult(await options.commit(file, preview.mapping, mode));
      await Promise.all(options.invalidates.map((m) => client.invalidateQueries({ queryKey: [m] })));
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : '导入失败');
    } finally {
      setBusy(null);
    }
  }

  return { file, preview, result, busy, problem, reset, choose, remap: (m: Mapping) => file && runPreview(file, m), commit };
}
