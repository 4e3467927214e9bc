/**
 * The only bridge between the sandboxed renderer and the main process: one typed-by-contract call,
 * and printing. No Node, no ipcRenderer, no file system reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('santongDesktop', {
  invoke: (method: string, input: unknown) => ipcRenderer.invoke('santong:invoke', method, input),
  print: () => ipcRenderer.invoke('santong:print'),
  savePdf: (fileName: string) => ipcRenderer.invoke('santong:savePdf', fileName),
});
