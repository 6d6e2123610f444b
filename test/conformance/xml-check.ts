/**
 * A strict little XML 1.0 well-formedness checker for the JUnit test (no XML
 * package in the project): one root, balanced and properly nested elements,
 * quoted attributes, only the five predefined entities or character
 * references, no raw '<' or '&' in text.
 */
export interface XmlSummary {
  root: string;
  count(name: string): number;
}

export function checkXml(text: string): XmlSummary {
  const counts = new Map<string, number>();
  const stack: string[] = [];
  let root: string | undefined;
  let i = text.startsWith('<?xml') ? text.indexOf('?>') + 2 : 0;
  const entity = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    for (let k = chunk.indexOf('&'); k >= 0; k = chunk.indexOf('&', k + 1)) {
      if (!entity.test(chunk.slice(k))) throw new Error(`bad entity at ${i + k}`);
    }
    if (lt < 0) {
      if (chunk.trim() !== '') throw new Error('text after the root element');
      break;
    }
    if (stack.length === 0 && chunk.trim() !== '') throw new Error('text outside the root element');
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new Error(`unterminated tag at ${lt}`);
    const tag = text.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw new Error(`mismatched </${name}> at ${lt}`);
    } else {
      const selfClosing = tag.endsWith('/');
      const m = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*\/?$/.exec(tag);
      if (!m) throw new Error(`malformed tag <${tag.slice(0, 40)}> at ${lt}`);
      for (const a of m[2]!.matchAll(/="([^"]*)"/g)) {
        for (let k = a[1]!.indexOf('&'); k >= 0; k = a[1]!.indexOf('&', k + 1)) if (!entity.test(a[1]!.slice(k))) throw new Error('bad entity in attribute');
      }
      const name = m[1]!;
      if (stack.length === 0) {
        if (root !== undefined) throw new Error('second root element');
        root = name;
      }
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!selfClosing) stack.push(name);
    }
    i = gt + 1;
  }
  if (stack.length > 0 || root === undefined) throw new Error(`unclosed elements: ${stack.join(' ')}`);
  return { root, count: (name) => counts.get(name) ?? 0 };
}
