/**
 * Parsed YAML documents, memoised by their text. The same shipped profile is read for every card and
 * scenario (`emvsim conform` parsed scripts/cards/visa-cvn18.yaml 141 times per run), and parsing is
 * most of a load. The text itself is the key, so an edited file is parsed afresh; callers only read
 * the Document (toJS, getIn, errors), which gives each of them its own values. Bounded in count and
 * size: card images and large suites are parsed every time.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';

export interface ParsedYaml {
  doc: Document;
  lineCounter: LineCounter;
}

const memo = new Map<string, ParsedYaml>();
const MAX_DOCUMENTS = 64;
const MAX_TEXT_LENGTH = 64 * 1024;

/** parseDocument(text, { lineCounter, prettyErrors: false }), once per distinct text. */
export function parseYamlMemo(text: string): ParsedYaml {
  const known = memo.get(text);
  if (known) return known;
  const lineCounter = new LineCounter();
  const parsed = { doc: parseDocument(text, { lineCounter, prettyErrors: false }), lineCounter };
  if (text.length <= MAX_TEXT_LENGTH) {
    if (memo.size >= MAX_DOCUMENTS) memo.clear();
    memo.set(text, parsed);
  }
  return parsed;
}
