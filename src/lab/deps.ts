/**
 * Everything src/lab takes from the other layers, in one place: when the
 * layers' public index.ts files land, only this module changes.
 */
export { fromHex, toHex, type Bytes } from '../apdu/bytes.js';
export { DocumentError, EmvsimError, TransportError } from '../apdu/errors.js';
export type { CardTransport, Protocol } from '../apdu/transport.js';
export { parseDol } from '../apdu/dol.js';
export { TVR_BITS, TSI_BITS, explainTvr } from '../apdu/bitmaps.js';
export { explainBits, isBitSet } from '../apdu/bitmaps-core.js';
export { explainCvmResults } from '../apdu/bitmaps-cvm.js';
export { commandName, describeReferenceControl } from '../apdu/command-names.js';
export { describeStatusWord } from '../apdu/status-words.js';
export { currencyByNumeric } from '../apdu/iso-codes.js';
export { TracingTransport, type TraceExchange, type TraceRecord } from '../apdu/trace.js';
export { tryDecodeTlv, formatTlvLines } from '../apdu/trace-format.js';
export { parseYamlSource, type YamlSource } from '../terminal/yaml-source.js';
export { projectRoot } from '../terminal/config-loader.js';
export { SchemaValidator, type JsonSchema, type Path } from '../conformance/schema-validator.js';
export { buildCard, buildHost, buildTerminal } from '../conformance/setup.js';
export { listenHost } from '../conformance/host-server.js';
export type { CardSetup, CaseResult, Mismatch } from '../conformance/types.js';
export { formatReport, xmlEscape } from '../conformance/reporters.js';
export { renderHtmlReport, type HtmlCase, type HtmlReport } from '../conformance/html-report.js';
export { VpcdBridge, listPcscReaders } from '../reader/index.js';
export type { EmulatedCard } from '../card/index.js';
export { runTransaction } from '../terminal/kernel.js';
export { ScriptedCardholder } from '../terminal/cardholder.js';
export { capksForTerminal } from '../terminal/capk-lookup.js';
export { seededRandom, memoryTransactionLog, type RandomSource } from '../terminal/environment.js';
export { loadLiabilityTable } from '../terminal/liability.js';
export { formatOutcome } from '../terminal/report.js';
export type { AuthorisationHost } from '../terminal/host.js';
export type { TerminalConfig } from '../terminal/config.js';
