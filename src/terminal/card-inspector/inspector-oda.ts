/**
 * Offline data authentication as the contactless inspector can judge it, with
 * the Book 2 code of src/crypto/oda:
 *   - the certificate chain (issuer certificate 90/92/9F32 under the CAPK
 *     selected by RID and 8F, ICC certificate 9F46/9F48/9F47 with the hash over
 *     the static data of the AFL's ODA records): Book 2 §5.3, §6.3, §6.4;
 *   - DDA by INTERNAL AUTHENTICATE with the DDOL (Book 2 §6.5): verified;
 *   - SDA (93, Book 2 §5.4): verified;
 *   - a 9F4B returned with GET PROCESSING OPTIONS (fDDA): its signed data is
 *     defined by the kernel book C-3, whose licence forbids software
 *     implementations, so the signature is recovered with the ICC key and
 *     shown, not judged;
 *   - CDA needs GENERATE AC, which the inspector never sends: certificates only.
 */
import { type Bytes, toHex } from '../../apdu/index.js';
import { buildDolData, parseDol } from '../../apdu/index.js';
import { TransportError } from '../../apdu/index.js';
import { type CapkStore, type OdaChainStep, type OdaRecord, buildStaticDataToBeAuthenticated, recoverDdaSignature, verifyOdaChain } from '../../crypto/index.js';

export type InspectorOdaVerdict = 'verified' | 'failed' | 'certificates verified' | 'recovered, not judged' | 'not performed';

export interface InspectorOda {
  method: 'SDA' | 'DDA' | 'fDDA' | 'CDA' | 'none';
  verdict: InspectorOdaVerdict;
  steps: OdaChainStep[];
  notes: string[];
  /** fDDA: fields of the recovered 9F4B (format, ICC dynamic data), shown but not judged. */
  recovered?: Record<string, string | number>;
}

export interface OdaInputs {
  adfName: Bytes;
  aip: Bytes | undefined;
  tags: ReadonlyMap<string, Bytes>;
  /** The records the AFL marks for ODA, in AFL order. */
  odaRecords: OdaRecord[];
  /** 9F4B of the GET PROCESSING OPTIONS response, when the card sent one. */
  gpoSignature: Bytes | undefined;
  transactionDate: string;
  capks: CapkStore;
  /** Sends INTERNAL AUTHENTICATE with the DDOL data; undefined = the inspector does not send it. */
  internalAuthenticate: ((ddolData: Bytes) => Promise<{ sw: number; signature: Bytes | undefined }>) | undefined;
  terminalValue: (tag: string) => Bytes | undefined;
}

const AIP_SDA = 0x40;
const AIP_DDA = 0x20;
const AIP_CDA = 0x01;

function tagRecord(tags: ReadonlyMap<string, Bytes>): Record<string, Bytes> {
  return Object.fromEntries(tags);
}

/** Runs what the card's data allows (see the file comment). Never throws for card data. */
export async function inspectOda(inputs: OdaInputs): Promise<InspectorOda> {
  const aip = inputs.aip?.[0] ?? 0;
  const has = (t: string) => inputs.tags.has(t);
  const method: InspectorOda['method'] = inputs.gpoSignature ? 'fDDA' : aip & AIP_CDA && has('9F46') ? 'CDA' : aip & AIP_DDA && has('9F46') ? 'DDA' : aip & AIP_SDA && has('93') ? 'SDA' : 'none';
  if (method === 'none') return { method, verdict: 'not performed', steps: [], notes: ['no ODA method the AIP and the card data support together'] };
  const rid = toHex(inputs.adfName.subarray(0, 5));
  const index = inputs.tags.get('8F');
  const capk = index ? inputs.capks.get(rid, toHex(index)) : undefined;
  if (!capk) return { method, verdict: 'not performed', steps: [], notes: [`no CA public key ${rid}/${index ? toHex(index) : '(8F missing)'} in the CAPK store`] };
  let staticData: Bytes;
  try {
    const sdaTagList = inputs.tags.get('9F4A');
    staticData = buildStaticDataToBeAuthenticated(inputs.odaRecords, { ...(sdaTagList ? { sdaTagList } : {}), ...(inputs.aip ? { aip: inputs.aip } : {}) });
  } catch (err) {
    return { method, verdict: 'failed', steps: [], notes: [(err as Error).message] };
  }
  const pan = inputs.tags.get('5A');
  const base = { capk, tags: tagRecord(inputs.tags), staticData, transactionDate: inputs.transactionDate, ...(pan ? { pan } : {}) };
  const notes: string[] = [];

  if (method === 'SDA') {
    const r = verifyOdaChain({ ...base, method: 'SDA' });
    return { method, verdict: r.ok ? 'verified' : 'failed', steps: r.steps, notes };
  }
  if (method === 'DDA' && inputs.internalAuthenticate) {
    let ddolData: Bytes;
    try {
      ddolData = buildDolData(parseDol(inputs.tags.get('9F49') ?? Uint8Array.of(0x9f, 0x37, 0x04)), inputs.terminalValue);
    } catch (err) {
      return { method, verdict: 'failed', steps: [], notes: [`DDOL: ${(err as Error).message}`] };
    }
    let ia: { sw: number; signature: Bytes | undefined };
    try {
      ia = await inputs.internalAuthenticate(ddolData);
    } catch (err) {
      // An RSA signature over RF can outlast a reader's time-out; the certificates were already read.
      if (!(err instanceof TransportError)) throw err;
      ia = { sw: 0x6f00, signature: undefined };
      notes.push(`INTERNAL AUTHENTICATE: ${err.message}`);
    }
    if (ia.sw === 0x9000 && ia.signature) {
      const r = verifyOdaChain({ ...base, tags: { ...base.tags, '9F4B': ia.signature }, method: 'DDA', ddolData });
      notes.push(`INTERNAL AUTHENTICATE with DDOL data ${toHex(ddolData)} (Book 2 §6.5)`);
      return { method, verdict: r.ok ? 'verified' : 'failed', steps: r.steps, notes };
    }
    // Many contactless applications do not offer INTERNAL AUTHENTICATE: the certificates still tell something.
    notes.push(`INTERNAL AUTHENTICATE answered ${ia.sw.toString(16).toUpperCase().padStart(4, '0')}${ia.sw === 0x9000 ? ' without 9F4B' : ''}: certificates only`);
  }
  // Certificates only (CDA without GENERATE AC, DDA without INTERNAL AUTHENTICATE, fDDA).
  const r = verifyOdaChain({ ...base, method: 'DDA' });
  const steps = r.steps.filter((s) => s.object !== 'signed dynamic data');
  const certsOk = steps.length > 0 && steps.every((s) => s.failures.length === 0);
  if (method === 'CDA') notes.push('CDA signs the GENERATE AC response; the inspector never sends GENERATE AC');
  if (method === 'DDA' && !inputs.internalAuthenticate) notes.push('INTERNAL AUTHENTICATE not sent');
  if (method !== 'fDDA' || !r.iccPublicKey) return { method, verdict: certsOk ? 'certificates verified' : 'failed', steps, notes };
  const sig = recoverDdaSignature({ iccPublicKey: r.iccPublicKey, signedDynamicData: inputs.gpoSignature, ddolData: new Uint8Array(0) });
  notes.push('9F4B from GET PROCESSING OPTIONS (fDDA): its signed data is defined by Book C-3 (licensed, not implemented): recovered with the ICC key, not judged');
  if (!certsOk) return { method, verdict: 'failed', steps, notes };
  const fields = { ...sig.fields } as Record<string, string | number>;
  delete fields.hashResult;
  return { method, verdict: sig.recovered.length > 0 ? 'recovered, not judged' : 'failed', steps, notes, recovered: { ...fields, block: toHex(sig.recovered) } };
}

/** The AFL's records for ODA (Book 3 §10.2: byte 4 counts the first records of each entry). */
export function odaRecordsOf(afl: Bytes, records: ReadonlyMap<string, Bytes>): OdaRecord[] {
  const out: OdaRecord[] = [];
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    for (let n = 0; n < afl[i + 3]!; n++) {
      const rec = records.get(`${sfi}:${afl[i + 1]! + n}`);
      if (rec) out.push({ sfi, record: rec });
    }
  }
  return out;
}

