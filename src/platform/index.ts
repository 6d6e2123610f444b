/**
 * Node platform helpers with no payment meaning, shared by the layers that touch files and processes
 * (crypto, documents, card, reader, cli): where the package is installed, whether a process runs.
 * Internal: not a package subpath.
 */
export { packageRoot } from './package-root.js';
export { isProcessAlive } from './process.js';
