/** Entry Point (EMV Book B): public API of src/terminal/entry-point. */
export { EntryPoint, type ContactlessKernel, type EntryPointEvent, type EntryPointOptions, type EntryPointResult, type KernelActivation, type ProximityHooks } from './entry-point.js';
export { type Combination, type EntryPointTransaction, type PreProcessingIndicators, preProcess, preProcessCombination } from './pre-processing.js';
export { type Candidate, type DirectoryEntry, PPSE_NAME, PpseFormatError, buildCandidateList, chooseCandidate, defaultKernelId, parsePpse, requestedKernelId } from './combination-selection.js';
export * from './outcome.js';
