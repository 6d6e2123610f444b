/**
 * Loads yargs: from the single pre-bundled file that `npm run build` writes next to the compiled
 * CLI when it is there (start-up time), else from node_modules (tsx, tests, a build without it).
 */
import type yargsModule from 'yargs';

export interface YargsLoaded {
  yargs: typeof yargsModule;
  hideBin: (argv: string[]) => string[];
}

export async function loadYargs(): Promise<YargsLoaded> {
  const vendored = new URL('../vendor/yargs.js', import.meta.url);
  try {
    return (await import(vendored.href)) as YargsLoaded;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    const [{ default: yargs }, { hideBin }] = await Promise.all([import('yargs'), import('yargs/helpers')]);
    return { yargs, hideBin };
  }
}
