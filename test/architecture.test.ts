/**
 * The house rules of the architecture (DEVELOPERS.md) as a test, read from
 * the sources themselves: every static import, `import type`, `export ...
 * from` and dynamic `import()` of src/, found by TypeScript's own scanner (so
 * an import quoted in a comment does not count).
 */
import { describe, expect, it } from 'vitest';
import { checkArchitecture, LAYERS, importsOf, layerCycle, sourceGraph } from './architecture/rules.js';

describe('architecture: layer rules', () => {
  const graph = sourceGraph();

  it('finds the sources and their imports (the scanner sees static, type-only and dynamic imports)', () => {
    expect(graph.files.size).toBeGreaterThan(150);
    const found = importsOf(
      [
        "import type { A } from '../apdu/index.js';",
        "import { b } from './b.js';",
        "export { c } from '../card/index.js';",
        "const d = await import('../terminal/index.js');",
        "// import { e } from '../issuer/index.js';",
        "import 'node:fs';",
      ].join('\n'),
    );
    expect(found.map((i) => i.specifier)).toEqual(['../apdu/index.js', './b.js', '../card/index.js', '../terminal/index.js', 'node:fs']);
  });

  it('the allowed-dependency table has no cycle between layers', () => {
    expect(layerCycle(LAYERS)).toEqual([]);
  });

  it('every source file keeps the rules (apdu pure, no file I/O in terminal steps, card/terminal apart, terminal without issuer, cross-layer through index, no cycles)', () => {
    expect(checkArchitecture(graph)).toEqual([]);
  });

  it('fails when a forbidden import is added', () => {
    const broken = sourceGraph({
      'src/terminal/kernel.ts': "import { createCard } from '../card/index.js';\n",
      'src/apdu/tlv.ts': "import { readFileSync } from 'node:fs';\n",
      'src/terminal/tvr.ts': "import type { IssuerHost } from '../issuer/issuer-host.js';\n",
      'src/terminal/generate-ac.ts': "import { readFileSync } from 'node:fs';\n",
      'src/card/atr.ts': "import type { Thing } from './state.js';\n",
      'src/card/state.ts': "import type { Other } from './atr.js';\n",
    });
    const problems = checkArchitecture(broken).join('\n');
    expect(problems).toMatch(/^src\/terminal\/kernel\.ts:\d+: terminal may not import card \(\.\.\/card\/index\.js\)$/m);
    expect(problems).toMatch(/^src\/apdu\/tlv\.ts:\d+: apdu may not import node:fs \(apdu is pure: no node:\* modules\)$/m);
    expect(problems).toMatch(/^src\/terminal\/tvr\.ts:\d+: terminal may not import issuer \(\.\.\/issuer\/issuer-host\.js\)$/m);
    expect(problems).toMatch(/^src\/terminal\/tvr\.ts:\d+: \.\.\/issuer\/issuer-host\.js reaches into issuer past its index\.ts$/m);
    expect(problems).toMatch(/^src\/terminal\/generate-ac\.ts:\d+: a terminal step may not do file I\/O \(node:fs\); loaders do$/m);
    expect(problems).toContain('import cycle: src/card/atr.ts -> src/card/state.ts -> src/card/atr.ts');
  });
});
