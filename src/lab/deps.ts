/**
 * Everything src/lab takes from the other layers, in one place and only
 * through their public index.ts (test/architecture rules).
 */
export {
  fromHex,
  toHex,
  type Bytes,
  DocumentError,
  EmvsimError,
  TransportError,
  type CardTransport,
  type Protocol,
  parseDol,
  TVR_BITS,
  TSI_BITS,
  explainTvr,
  explainBits,
  isBitSet,
  explainCvmResults,
  commandName,
  describeReferenceControl,
  describeStatusWord,
  currencyByNumeric,
  formatMinor,
  parseAmount,
  TracingTransport,
  type TraceExchange,
  type TraceRecord,
  tryDecodeTlv,
  formatTlvLines,
} from '../apdu/index.js';
export { createTerminal, formatOutcome, type AuthorisationHost, type CapkLookup } from '../terminal/index.js';
export { importModule, parseYamlSource, projectRoot, SchemaValidator, type JsonSchema, type Path, type YamlSource } from '../documents/index.js';
export {
  buildCard,
  buildHost,
  listenHost,
  formatReport,
  renderHtmlReport,
  type CardSetup,
  type CaseResult,
  type HtmlCase,
} from '../conformance/index.js';
export { VpcdBridge, listPcscReaders } from '../reader/index.js';
export type { EmulatedCard } from '../card/index.js';
export { FakePcscd, createSmartcardFake } from '../testing/index.js';
