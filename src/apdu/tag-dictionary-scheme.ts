/**
 * Tags outside EMV Book 3 Annex A that real cards and readers carry:
 * payment-system tags in the 9F50..9F7F range Book 3 Annex B reserves for the
 * payment systems (Visa VIS/VCPS and Mastercard M/Chip / PayPass meanings,
 * which overlap: both names are given), EMV Contactless Book B and C-2 tags
 * (the kernel's DF81xx/FF81xx data objects), and ISO/IEC 7816-4/-6
 * interindustry tags seen in SELECT responses (FCP templates of Geldkarte and
 * girocard files, track 1 data).
 */
import { entry as e, type TagInfo } from './tag-types.js';

const VISA = 'Visa VIS / VCPS';
const MC = 'Mastercard M/Chip, EMV Contactless Book C-2';
const BOTH = 'Visa / Mastercard (payment-system range 9F50-9F7F)';
const CTLS = 'EMV Contactless Book C-2';
const ISO = 'ISO/IEC 7816-4 / 7816-6';
const R = '70 77';

export const SCHEME_TAGS: readonly TagInfo[] = [
  // Payment-system range 9F50..9F7F.
  e('9F50', 'Offline Accumulator Balance', 'n12', 6, 6, '', 'ICC', MC),
  e('9F51', 'Application Currency Code (VIS) / DRDOL (Mastercard)', 'n3', 2, 2, R, 'ICC', BOTH),
  e('9F52', 'Application Default Action (ADA)', 'b', 2, 4, R, 'ICC', VISA),
  // Mastercard (M/Chip, C-2): Transaction Category Code, an 1 (e.g. 'R'). VIS reuses 9F53 for the
  // Consecutive Transaction Limit (International), b 1: pretty.ts decodes by the AID in context.
  e('9F53', 'Transaction Category Code (Mastercard, an 1) / Consecutive Transaction Limit, International (VIS, b 1)', 'an', 1, 1, '', 'ICC', BOTH),
  e('9F54', 'Cumulative Total Transaction Amount Limit (VIS) / DS ODS Card (Mastercard)', 'b', 6, 160, R, 'ICC', BOTH),
  e('9F55', 'Geographic Indicator (VIS)', 'b', 1, 1, R, 'ICC', VISA),
  e('9F56', 'Issuer Authentication Indicator (VIS)', 'b', 1, 1, R, 'ICC', VISA),
  e('9F57', 'Issuer Country Code (VIS)', 'n3', 2, 2, R, 'ICC', VISA),
  e('9F58', 'Consecutive Transaction Counter Limit / Lower Consecutive Offline Limit (VIS)', 'b', 1, 1, R, 'ICC', VISA),
  e('9F59', 'Consecutive Transaction Counter Upper Limit / Upper Consecutive Offline Limit (VIS)', 'b', 1, 1, R, 'ICC', VISA),
  e('9F5A', 'Application Program Identifier (Program ID)', 'b', 1, 16, 'BF0C', 'ICC', VISA),
  e('9F5B', 'Issuer Script Results', 'b', 0, 252, '', 'terminal', VISA),
  e('9F5C', 'Cumulative Transaction Amount Upper Limit (VIS) / DS Requested Operator ID (Mastercard)', 'b', 6, 8, R, 'ICC', BOTH),
  e('9F5D', 'Available Offline Spending Amount (VIS) / Application Capabilities Information (Mastercard)', 'b', 3, 6, R, 'ICC', BOTH),
  e('9F5E', 'Consecutive Transaction International Upper Limit (VIS) / DS ID (Mastercard)', 'b', 1, 11, R, 'ICC', BOTH),
  e('9F5F', 'DS Slot Availability (Mastercard)', 'b', 1, 1, R, 'ICC', MC),
  e('9F60', 'CVC3 (Track1)', 'b', 2, 2, '77', 'ICC', MC),
  e('9F61', 'CVC3 (Track2)', 'b', 2, 2, '77', 'ICC', MC),
  e('9F62', 'PCVC3 (Track1)', 'b', 6, 6, R, 'ICC', MC),
  e('9F63', 'PUNATC (Track1)', 'b', 6, 6, R, 'ICC', MC),
  e('9F64', 'NATC (Track1)', 'b', 1, 1, R, 'ICC', MC),
  e('9F65', 'PCVC3 (Track2)', 'b', 2, 2, R, 'ICC', MC),
  e('9F66', 'Terminal Transaction Qualifiers (TTQ) / PUNATC (Track2) (Mastercard)', 'b', 2, 4, '', 'terminal', 'EMV Contactless Book A / Visa VCPS; PUNATC: Book C-2 (2 bytes, in records)'),
  e('9F67', 'NATC (Track2) (Mastercard) / MSD Offset (Visa)', 'b', 1, 1, R, 'ICC', BOTH),
  e('9F68', 'Card Additional Processes (Visa) / Mag Stripe CVM List (Mastercard)', 'b', 4, 32, R, 'ICC', BOTH),
  e('9F69', 'Card Authentication Related Data (Visa fDDA) / UDOL (Mastercard)', 'b', 5, 16, R, 'ICC', BOTH),
  e('9F6A', 'Unpredictable Number (Numeric)', 'n8', 4, 4, '', 'terminal', MC),
  e('9F6B', 'Track 2 Data (Mastercard) / Card CVM Limit (Visa)', 'b', 6, 19, R, 'ICC', BOTH),
  e('9F6C', 'Card Transaction Qualifiers (CTQ) (Visa) / Mag Stripe Application Version Number (Mastercard)', 'b', 2, 2, R, 'ICC', BOTH),
  e('9F6D', 'Mag-stripe Application Version Number (Reader) (Mastercard) / VLP Reset Threshold (Visa)', 'b', 2, 6, '', 'terminal', BOTH),
  e('9F6E', 'Form Factor Indicator (Visa) / Third Party Data (Mastercard)', 'b', 4, 32, R, 'ICC', BOTH),
  e('9F6F', 'DS Slot Management Control', 'b', 1, 1, R, 'ICC', MC),
  e('9F70', 'Protected Data Envelope 1', 'b', 0, 192, R, 'ICC', MC),
  e('9F71', 'Protected Data Envelope 2', 'b', 0, 192, R, 'ICC', MC),
  e('9F72', 'Protected Data Envelope 3', 'b', 0, 192, R, 'ICC', MC),
  e('9F73', 'Protected Data Envelope 4 (Mastercard) / Currency Conversion Factor (VIS)', 'b', 0, 192, R, 'ICC', BOTH),
  e('9F74', 'VLP Issuer Authorization Code (Visa) / Protected Data Envelope 5 (Mastercard)', 'b', 0, 192, R, 'ICC', BOTH),
  e('9F75', 'Cumulative Total Transaction Amount Limit, Dual Currency (VIS) / Unprotected Data Envelope 1 (Mastercard)', 'b', 0, 192, R, 'ICC', BOTH),
  e('9F76', 'Secondary Application Currency Code (VIS) / Unprotected Data Envelope 2 (Mastercard)', 'b', 0, 192, R, 'ICC', BOTH),
  e('9F77', 'VLP Funds Limit (Visa) / Unprotected Data Envelope 3 (Mastercard)', 'b', 0, 192, R, 'ICC', BOTH),
  e('9F78', 'VLP Single Transaction Limit (Visa) / Unprotected Data Envelope 4 (Mastercard)', 'b', 0, 192, R, 'ICC', BOTH),
  e('9F79', 'VLP Available Funds (Visa) / Unprotected Data Envelope 5 (Mastercard)', 'b', 0, 192, R, 'ICC', BOTH),
  e('9F7A', 'VLP Terminal Support Indicator', 'b', 1, 1, '', 'terminal', VISA),
  e('9F7B', 'VLP Terminal Transaction Limit', 'n12', 6, 6, '', 'terminal', VISA),
  e('9F7C', 'Customer Exclusive Data (Visa) / Merchant Custom Data (Mastercard)', 'b', 0, 32, R, 'ICC', BOTH),
  e('9F7D', 'DS Summary 1 (Mastercard)', 'b', 8, 16, R, 'ICC', MC),
  e('9F7E', 'Mobile Support Indicator (Mastercard) / Application Life Cycle Data (Visa)', 'b', 1, 48, '', 'terminal', BOTH),
  e('9F7F', 'DS Unpredictable Number (Mastercard) / Card Production Life Cycle Data (GlobalPlatform)', 'b', 4, 45, '', 'ICC', BOTH),
  // EMV Contactless Book B (Entry Point) tags in the PPSE directory entry.
  e('9F29', 'Extended Selection', 'b', 0, 11, '61', 'ICC', 'EMV Contactless Book B'),
  e('9F2A', 'Kernel Identifier', 'b', 1, 8, '61', 'ICC', 'EMV Contactless Book B'),
  // EMV Contactless Book C-2 kernel data objects (reader configuration and outcome).
  e('56', 'Track 1 Data', 'ans', 0, 76, R, 'ICC', CTLS),
  e('DF8104', 'Balance Read Before Gen AC', 'n12', 6, 6, '', 'ICC', CTLS),
  e('DF8105', 'Balance Read After Gen AC', 'n12', 6, 6, '', 'ICC', CTLS),
  e('DF8106', 'Data Needed', 'b', 0, 252, '', 'terminal', CTLS),
  e('DF8107', 'CDOL1 Related Data', 'b', 0, 252, '', 'terminal', CTLS),
  e('DF8108', 'DS AC Type', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF810C', 'Kernel ID', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF8111', 'PDOL Related Data', 'b', 0, 252, '', 'terminal', CTLS),
  e('DF8112', 'Tags To Read', 'b', 0, 252, '', 'terminal', CTLS),
  e('DF8115', 'Error Indication', 'b', 6, 6, '', 'terminal', CTLS),
  e('DF8116', 'User Interface Request Data', 'b', 22, 22, '', 'terminal', CTLS),
  e('DF8117', 'Card Data Input Capability', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF8118', 'CVM Capability - CVM Required', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF8119', 'CVM Capability - No CVM Required', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF811A', 'Default UDOL', 'b', 3, 3, '', 'terminal', CTLS),
  e('DF811B', 'Kernel Configuration', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF811C', 'Max Lifetime of Torn Transaction Log Record', 'b', 2, 2, '', 'terminal', CTLS),
  e('DF811D', 'Max Number of Torn Transaction Log Records', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF811E', 'Mag-stripe CVM Capability - CVM Required', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF811F', 'Security Capability', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF8120', 'Terminal Action Code - Default', 'b', 5, 5, '', 'terminal', CTLS),
  e('DF8121', 'Terminal Action Code - Denial', 'b', 5, 5, '', 'terminal', CTLS),
  e('DF8122', 'Terminal Action Code - Online', 'b', 5, 5, '', 'terminal', CTLS),
  e('DF8123', 'Reader Contactless Floor Limit', 'n12', 6, 6, '', 'terminal', CTLS),
  e('DF8124', 'Reader Contactless Transaction Limit (No On-device CVM)', 'n12', 6, 6, '', 'terminal', CTLS),
  e('DF8125', 'Reader Contactless Transaction Limit (On-device CVM)', 'n12', 6, 6, '', 'terminal', CTLS),
  e('DF8126', 'Reader CVM Required Limit', 'n12', 6, 6, '', 'terminal', CTLS),
  e('DF8127', 'Time Out Value', 'b', 2, 2, '', 'terminal', CTLS),
  e('DF8128', 'IDS Status', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF8129', 'Outcome Parameter Set', 'b', 8, 8, '', 'terminal', CTLS),
  e('DF812A', 'DD Card (Track1)', 'ans', 0, 56, '', 'terminal', CTLS),
  e('DF812B', 'DD Card (Track2)', 'b', 0, 8, '', 'terminal', CTLS),
  e('DF812C', 'Mag-stripe CVM Capability - No CVM Required', 'b', 1, 1, '', 'terminal', CTLS),
  e('DF812D', 'Message Hold Time', 'n6', 3, 3, '', 'terminal', CTLS),
  e('FF8101', 'Torn Record', 'constructed', 0, 252, '', 'terminal', CTLS),
  e('FF8102', 'Tags To Write Before Gen AC', 'constructed', 0, 252, '', 'terminal', CTLS),
  e('FF8103', 'Tags To Write After Gen AC', 'constructed', 0, 252, '', 'terminal', CTLS),
  e('FF8104', 'Data To Send', 'constructed', 0, 252, '', 'terminal', CTLS),
  e('FF8105', 'Data Record', 'constructed', 0, 252, '', 'terminal', CTLS),
  e('FF8106', 'Discretionary Data', 'constructed', 0, 252, '', 'terminal', CTLS),
  // ISO/IEC 7816-4 / 7816-6 interindustry data objects.
  e('43', 'Card Service Data', 'b', 1, 1, '', 'ICC', ISO),
  e('47', 'Card Capabilities', 'b', 1, 3, '', 'ICC', ISO),
  e('53', 'Discretionary Data', 'b', 0, 252, '', 'ICC', ISO),
  e('5C', 'Tag List', 'b', 0, 252, '', 'terminal', ISO),
  e('5F52', 'Historical Bytes', 'b', 0, 15, '', 'ICC', ISO),
  e('62', 'File Control Parameters (FCP) Template', 'constructed', 0, 252, '', 'ICC', ISO),
  e('64', 'File Management Data (FMD) Template', 'constructed', 0, 252, '', 'ICC', ISO),
];

/**
 * Context-specific tags inside an ISO 7816-4 FCP template '62' (ISO/IEC 7816-4
 * §7.4.3 Table 12): SELECT of a Geldkarte or girocard DF/EF with P2 = 04
 * returns these, and they reuse numbers that EMV gives other meanings.
 */
export const FCP_TAGS: readonly TagInfo[] = [
  e('80', 'Number of data bytes in the file', 'b', 1, 4, '62', 'ICC', ISO),
  e('81', 'Number of data bytes in the file, including structural information', 'b', 2, 2, '62', 'ICC', ISO),
  e('82', 'File descriptor', 'b', 1, 6, '62', 'ICC', ISO),
  e('83', 'File identifier', 'b', 2, 2, '62', 'ICC', ISO),
  e('84', 'DF name', 'b', 1, 16, '62', 'ICC', ISO),
  e('85', 'Proprietary information', 'b', 0, 252, '62', 'ICC', ISO),
  e('86', 'Security attribute (proprietary format)', 'b', 0, 252, '62', 'ICC', ISO),
  e('87', 'Identifier of an EF containing an extension of the FCI', 'b', 2, 2, '62', 'ICC', ISO),
  e('88', 'Short EF identifier', 'b', 0, 1, '62', 'ICC', ISO),
  e('8A', 'Life cycle status', 'b', 1, 1, '62', 'ICC', ISO),
  e('8B', 'Security attribute (expanded format reference)', 'b', 1, 252, '62', 'ICC', ISO),
  e('8C', 'Security attribute (compact format)', 'b', 1, 252, '62', 'ICC', ISO),
  e('A5', 'Proprietary information (constructed)', 'constructed', 0, 252, '62', 'ICC', ISO),
];
