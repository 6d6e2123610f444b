/**
 * Money in documents is an integer in minor units, in a field whose name ends in `Minor`
 * (docs/documents.md "Amounts"). YAML reads `amountMinor: 8.00` as the number 8 (8 cents), not
 * 8.00 EUR, so a schema's `type: integer` cannot tell: a money field written with a decimal point
 * or an exponent is refused from its source text, naming file:line, instead of being taken 100
 * times too small. The former names (`amount`, `floorLimit`, ...) are refused by the schemas.
 */
import type { Document, LineCounter } from 'yaml';
import { DocumentError } from '../apdu/index.js';

/** Fields that hold money in documents. */
const MINOR_UNIT_FIELD = /Minor$/;

type YamlModule = typeof import('yaml');

export function checkMinorUnitAmounts(yaml: YamlModule, doc: Document, lineCounter: LineCounter, file: string): void {
  const { isPair, isScalar, isSeq, visit } = yaml;
  visit(doc, {
    Pair(_key, pair, ancestors) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value;
      if (!MINOR_UNIT_FIELD.test(key) || !isScalar(value) || typeof value.value !== 'number') return;
      const source = value.source ?? String(value.value);
      if (!/[.eE]/.test(source)) return;
      const line = value.range ? lineCounter.linePos(value.range[0]).line : undefined;
      // The field path with list indices, as every other document error names it.
      const field: (string | number)[] = [];
      ancestors.forEach((node, i) => {
        if (isPair(node)) field.push(isScalar(node.key) ? String(node.key.value) : '?');
        else if (isSeq(node)) field.push(node.items.indexOf(ancestors[i + 1] as never));
      });
      field.push(key);
      throw new DocumentError(`'${source}' is not an integer in minor units: ${key} counts minor units (8.00 EUR is 800)`, {
        file,
        ...(line !== undefined ? { line } : {}),
        field: field.join('.'),
      });
    },
  });
}
