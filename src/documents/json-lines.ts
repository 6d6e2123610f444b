/**
 * Lines of JSON values by field path, for error messages about JSON
 * documents (card files, Geldkarte files) without loading a YAML parser.
 * Called only on text JSON.parse accepted, and only when an error needs a line.
 */

/** 1-based line of the value at `path` (or of its nearest existing parent). */
export function jsonLineOf(text: string, path: readonly (string | number)[]): number | undefined {
  let pos = 0;
  let best = -1;
  const ws = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const skipString = () => {
    pos++;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos++;
  };
  // Walks one value; while `depth` path elements matched, records where the value starts.
  const value = (depth: number): void => {
    ws();
    if (depth >= 0) best = pos;
    const want = depth >= 0 && depth < path.length ? path[depth] : undefined;
    const c = text[pos];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      pos++;
      let index = 0;
      ws();
      while (pos < text.length && text[pos] !== close) {
        let key: string | number = index;
        if (c === '{') {
          const start = pos;
          skipString();
          key = JSON.parse(text.slice(start, pos)) as string;
          ws();
          pos++; // ':'
        }
        value(want !== undefined && String(want) === String(key) ? depth + 1 : -1);
        if (want !== undefined && String(want) === String(key)) return;
        ws();
        if (text[pos] === ',') pos++;
        ws();
        index++;
      }
      pos++;
    } else if (c === '"') {
      skipString();
    } else {
      while (pos < text.length && !/[\s,\]}]/.test(text[pos]!)) pos++;
    }
  };
  value(0);
  if (best < 0) return undefined;
  let line = 1;
  for (let i = 0; i < best; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
