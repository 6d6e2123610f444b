/**
 * Card inspectors: public API of src/terminal/card-inspector. Read-only tools that read and
 * decode a card over any CardTransport; they are not payment kernels and decide nothing.
 *   exploreCard / formatExplore / exploreToJson: the contact explorer (`emvsim explore`)
 *   inspectContactless / formatInspection / inspectionToJson: the contactless inspector
 *     (`emvsim explore --contactless`): Entry Point selection, GPO, records, ODA.
 */
export { exploreCard, type ExploreResult, type ExploredApplication, type ExploredRecord } from './contact-explorer.js';
export { exploreToJson, formatExplore } from './contact-format.js';
export { DEFAULT_TERMINAL_DATA, INSPECTOR_LABEL, defaultCombinations, inspectContactless, type CombinationLimits, type ContactlessInspection, type InspectOptions, type InspectedApplication, type InspectorTerminalData } from './contactless-inspector.js';
export { formatInspection, inspectionToJson, maskPanEverywhere } from './contactless-format.js';
export type { InspectorOda } from './inspector-oda.js';
export { type ContactlessAtrKind, NotIsoDepCardError, classifyContactlessAtr } from './contactless-atr.js';
