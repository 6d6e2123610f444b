/**
 * Worker-thread entry of `emvsim conform --jobs N` in the built CLI (scripts/build/bundle.mjs builds
 * it as dist/bundle/worker.js): the shipped documents compiled at build time are registered first,
 * as the main thread has them (src/cli/main.ts), so a worker reads profiles and scenarios from JSON
 * instead of parsing their YAML; then the conformance worker starts (it reads documents as soon as
 * it is loaded, hence the dynamic import after the registration).
 */
import { useBuiltDocuments } from './built-documents.js';

useBuiltDocuments();
await import('../conformance/worker.js');
