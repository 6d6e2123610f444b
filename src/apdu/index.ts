/**
 * emvsim/apdu: the pure, I/O-free layer every other one stands on (no node:*
 * imports, so it runs in a browser too). Bytes and hex, the command/response
 * APDU codec, status words, BER-TLV, the EMV tag dictionary, DOLs, the bit
 * maps of TVR/TSI/AIP/AUC/CVM, the CardTransport interface with the T=0
 * exchange rules (Book 1 Annex A), the annotated trace and its replay.
 */
export { type Bytes, fromHex, toHex, bytesOf, concat, equal, constantTimeEqual, xor, readUint, uintBytes, bcd, fromBcd, cn, fromCn, ascii, toAscii } from './bytes.js';
export { EmvsimError, HexError, ParseError, TlvError, ApduError, AtrError, DocumentError, TransportError, EnvironmentError } from './errors.js';
export {
  type ApduCase,
  type CommandApdu,
  type DecodedCommand,
  type ResponseApdu,
  apduCase,
  encodeCommand,
  decodeCommand,
  decodeResponse,
  encodeResponse,
  isSuccess,
  swHex,
  commandHex,
} from './command.js';
export { commandName, describeReferenceControl, describeCid, describeCommandParameters } from './command-names.js';
export { type StatusCategory, type StatusWordInfo, KNOWN_STATUS_WORDS, isKnownStatusWord, describeStatusWord, statusLine } from './status-words.js';
export {
  type Tlv,
  type TlvInput,
  type DecodeOptions,
  decodeTlv,
  encodeTlv,
  encodeTlvList,
  encodeLength,
  readTag,
  readLength,
  tagBytes,
  isConstructedTag,
  findTag,
  findAll,
  findPath,
  flattenTlv,
} from './tlv.js';
export { type TagFormat, type TagInfo, type TagSource, lookupTag, allTags, tagName, valueFormatError } from './tags.js';
export { aidName, type TagScheme, schemeOfAid } from './tags-aids.js';
export { type DolEntry, parseDol, buildDolData, dolDataLength, parseDolData, encodeDol, fitDolValue } from './dol.js';
// The bit maps of TVR, TSI, AIP, AUC, terminal capabilities and CVM: bitmaps.ts is their facade, with its own deliberate list.
export * from './bitmaps.js';
export { type MchipCvr, type MchipCvrFlag, MCHIP_CVR_BITS, MCHIP_CVR, VISA_CVR_BITS, VISA_CVR, CVR_FIRST_AC, CVR_SECOND_AC, encodeMchipCvr, decodeMchipCvr } from './card-verification-results.js';
export { TTQ_BITS, CTQ_BITS, VISA_FORM_FACTORS, explainTtq, explainCtq, type SchemeReading, explain9F66, explain9F6C, explain9F6E, describe9F7C } from './bitmaps-contactless.js';
export { type Decoded, type PrettyContext, type TlvJson, type TlvPrintOptions, decodeValue, formatTlvTree, tlvToJson } from './pretty.js';
export { type CurrencyInfo, type CountryInfo, currencyByNumeric, currencyByAlpha, countryByNumeric, countryByAlpha } from './iso-codes.js';
export { type Track2, type Track2Problem, TRACK2_PAN_DIGITS, splitTrack2, isTrack2Problem, isChipServiceCode, track2EquivalentHex } from './track2.js';
export { yymmdd, hhmmss } from './dates.js';
export { type AmountOptions, MAX_AMOUNT_MINOR, currencyOf, parseAmount, formatMinor } from './amount.js';
export { type Atr, type InterfaceByteGroup, type HistoricalBytes, type CompactTlvObject, parseAtr } from './atr.js';
export { type Protocol, type CardTransport } from './transport.js';
export { type ExchangeOptions, exchange, exchangeBytes, getResponseCommand, mapCommandForProtocol } from './exchange.js';
export {
  type TraceExchange,
  type TraceReset,
  type TraceRecord,
  type TracingOptions,
  TracingTransport,
  UNRECORDED_TIME,
  MASKED_BYTE,
  hasSecretData,
  maskCommandHex,
  parseMaskedHex,
  maskRecordedCommandHex,
  recordExchange,
  toJsonl,
  parseTraceJsonl,
  exchangesOf,
} from './trace.js';
export { formatTrace, tryDecodeTlv, formatTlvLines, formatDataLines, describeGenerateAcResponse } from './trace-format.js';
export { type ReplayPair, type ReplayOptions, ReplayTransport, ReplayMismatchError, ReplayExhaustedError, firstDifference, loadReplayTrace } from './replay-transport.js';
export {
  type PaymentKind,
  PURSE_AID_EUR,
  PURSE_AID_LEGACY,
  PURSE_AIDS,
  MERCHANT_AID,
  PURSE_SFI,
  LLOG_RECORDS,
  BLOG_RECORDS,
  LLOG_RECORD_LENGTH,
  BLOG_RECORD_LENGTH,
  PURSE_CLA,
  PURSE_INS,
  MERCHANT_CLA,
  MERCHANT_INS,
  MAX_PARKED_PAYMENTS,
  UNKNOWN_ENTRY_LENGTH,
  KIND_P1,
  KIND_STATUS,
  LOAD_STATUS,
  GELDKARTE_SW,
} from './geldkarte-protocol.js';
