import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { ApiError } from '../../api/client';
import { refreshAfter } from '../../api/hooks';
import type { MethodName } from '../../../../shared/contract';
import type { FileInput } from '../../../../shared/contract/common';
import { useFileSender } from './useFileSender';
export type CommitMode = 'all' | 'cleanRowsOnly';
export type ImportBusy = 'preview' | CommitMode | null;

/**
 * The steps every file import takes (catalog, settlement details, …): read the chosen file, preview it on the
 * server (again with another column mapping), commit all rows or knowingly only the clean ones, refresh the
 * lists it changed. Nothing is written before the commit; a failed preview keeps the last good one on a remap.
 */
export function useImportFlow<Preview extends { mapping: Mapping }, Mapping, Result>(options: {
  /** The methods the file is sent to: each call sends it (an upload id serves one call). */
  methods: { preview: MethodName; commit: MethodName };
  preview(file: FileInput, mapping?: Mapping): Promise<Preview>;
  commit(file: FileInput, mapping: Mapping, mode: CommitMode): Promise<Result>;
  /** Methods whose answers the import changes beyond what the contract says its commit touches (refreshes.ts). */
  invalidates?: MethodName[];
}) {
  const { message } = App.useApp();
  const client = useQueryClient();
  const send = useFileSender();
  const [file, setFile] = useState<{ filename: string; picked: File } | null>(null);
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

  async function runPreview(picked: File, mapping?: Mapping) {
    setBusy('preview');
    setProblem(null);
    try {
      setPreview(await options.preview(await send(options.methods.preview, picked), mapping));
    } catch (err) {
      setProblem((err as Error).message);
      if (!mapping) setPreview(null);
    } finally {
      setBusy(null);
    }
  }

  async function choose(picked: File) {
    setFile({ filename: picked.name, picked });
    await runPreview(picked);
  }

  async function commit(mode: CommitMode) {
    if (!file || !preview) return;
    setBusy(mode);
    try {
      setResult(await options.commit(await send(options.methods.commit, file.picked), preview.mapping, mode));
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : '导入失败');
    } finally {
      // A refused commit changed nothing, but a big catalog import stopped between its batches kept what it wrote.
      await refreshAfter(client, options.methods.commit, options.invalidates);
      setBusy(null);
    }
  }

  return { file, preview, result, busy, problem, reset, choose, remap: (m: Mapping) => file && runPreview(file.picked, m), commit };
}
