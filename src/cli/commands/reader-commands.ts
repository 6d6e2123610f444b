/** The reader area's commands, re-exported for one import line in index.ts. */
export { readersCommand } from './readers.js';
export { watchCommand } from './watch.js';
export { emulateCommand } from './emulate.js';
export { hidCommand } from './hid.js';
