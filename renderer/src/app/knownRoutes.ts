import { createContext, useContext } from 'react';

/**
 * The paths the app has screens at, provided by the shell. Pages that link to records (the audit log) offer a
 * link only where a screen exists, without importing the route table (which lazily imports those pages).
 */
export const KnownRoutesContext = createContext<readonly string[]>([]);

export const useKnownRoutes = (): readonly string[] => useContext(KnownRoutesContext);
