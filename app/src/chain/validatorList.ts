// The validator list, read cheaply: the header, the used entries, their records and the scoring
// trailer, each by a data slice at its offset and decoded with the generated element decoders.
// The account is 2.72 MB (20,000 entries and 20,000 records); the generated full-struct decoder
// (getValidatorListDecoder) decodes all 40,000 elements and needs the whole account fetched.
//
// Layout (programs/liquid-staking/src/state/validator_list.rs), layout 1:
//   discriminator 8 | pool 32 | count u32 | version u8 | padding 3 | entries[MAX] | records[MAX] | scoring
// Layout 0 (a list from before the records, version 0) ends after the entries. The offsets are
// computed from the generated sizes (no literal here); only the header's first four fields are
// decoded by hand, and src/chain/validatorList.test.ts holds them to the generated codec.
import {
    fixDecoderSize,
    getAddressDecoder,
    getArrayDecoder,
    getBase64Encoder,
    getBytesDecoder,
    getStructDecoder,
    getU32Decoder,
    getU8Decoder,
    type Address,
    type FixedSizeDecoder,
    type ReadonlyUint8Array,
} from '@solana/kit';

import {
    getValidatorEntryDecoder,
    getValidatorListSize,
    getValidatorRecordDecoder,
    getValidatorScoringDecoder,
    VALIDATOR_LIST_DISCRIMINATOR,
    type ValidatorEntry,
    type ValidatorRecord,
    type ValidatorScoring,
} from '../generated';
import { IDL_CONSTANTS } from '../generated/idlExtras';
import type { Rpc } from './connection';

const MAX = IDL_CONSTANTS.MAX_VALIDATORS;
const ENTRY_SIZE = getValidatorEntryDecoder().fixedSize;
const RECORD_SIZE = getValidatorRecordDecoder().fixedSize;
const SCORING_SIZE = getValidatorScoringDecoder().fixedSize;

/** Byte offsets of the list's parts (layout VALIDATOR_LIST_VERSION). */
export const VALIDATOR_LIST_LAYOUT = (() => {
    const size = getValidatorListSize();
    const headerSize = size - MAX * (ENTRY_SIZE + RECORD_SIZE) - SCORING_SIZE;
    const recordsOffset = headerSize + MAX * ENTRY_SIZE;
    return {
        size,
        headerSize,
        entriesOffset: headerSize,
        recordsOffset,
        scoringOffset: recordsOffset + MAX * RECORD_SIZE,
        /** Size of a list of layout 0 (header and entries): the records would start here. */
        legacySize: recordsOffset,
        entrySize: ENTRY_SIZE,
        recordSize: RECORD_SIZE,
        scoringSize: SCORING_SIZE,
    };
})();

/** The header's fields before its padding, in the generated struct's order. */
const headerDecoder = getStructDecoder([
    ['discriminator', fixDecoderSize(getBytesDecoder(), 8)],
    ['pool', getAddressDecoder()],
    ['count', getU32Decoder()],
    ['version', getU8Decoder()],
]);

export interface ValidatorListHeader {
    pool: Address;
    count: number;
    version: number;
}

export function decodeValidatorListHeader(bytes: ReadonlyUint8Array): ValidatorListHeader {
    if (bytes.length < headerDecoder.fixedSize) throw new Error(`validator list too short: ${bytes.length} bytes`);
    const h = headerDecoder.decode(bytes);
    if (!VALIDATOR_LIST_DISCRIMINATOR.every((b, i) => h.discriminator[i] === b)) throw new Error('not a validator list (discriminator)');
    return { pool: h.pool, count: h.count, version: h.version };
}

/** `count` consecutive elements of `decoder`'s size from `offset` of `bytes`. */
function decodeRun<T>(decoder: FixedSizeDecoder<T>, bytes: ReadonlyUint8Array, count: number, offset = 0): T[] {
    const end = offset + count * decoder.fixedSize;
    if (bytes.length < end) throw new Error(`validator list data too short: ${bytes.length} bytes, ${end} needed`);
    return [...getArrayDecoder(decoder, { size: count }).decode(bytes, offset)];
}

export function decodeValidatorEntries(bytes: ReadonlyUint8Array, count: number, offset = 0): ValidatorEntry[] {
    return decodeRun(getValidatorEntryDecoder(), bytes, count, offset);
}

export function decodeValidatorRecords(bytes: ReadonlyUint8Array, count: number, offset = 0): ValidatorRecord[] {
    return decodeRun(getValidatorRecordDecoder(), bytes, count, offset);
}

export function decodeValidatorScoring(bytes: ReadonlyUint8Array, offset = 0): ValidatorScoring {
    return decodeRun(getValidatorScoringDecoder(), bytes, 1, offset)[0];
}

/** The pool's validators as the app shows them. `records` and `scoring` are null for a list that
 *  still has layout 0 (or is part-way through `migrate_validator_list`): it needs migrating. */
export interface ValidatorListView {
    version: number;
    /** The account's size in bytes. */
    dataLength: number;
    entries: ValidatorEntry[];
    records: ValidatorRecord[] | null;
    scoring: ValidatorScoring | null;
    needsMigration: boolean;
}

/** Whether a list of `dataLength` bytes with header `version` has the records and the rules. */
export function hasRecords(version: number, dataLength: number): boolean {
    return version >= IDL_CONSTANTS.VALIDATOR_LIST_VERSION && dataLength >= VALIDATOR_LIST_LAYOUT.size;
}

/** Decodes a whole validator list account (tests, scripts; the app reads slices). */
export function decodeValidatorListView(data: ReadonlyUint8Array): ValidatorListView {
    const L = VALIDATOR_LIST_LAYOUT;
    const header = decodeValidatorListHeader(data);
    const entries = decodeValidatorEntries(data, header.count, L.entriesOffset);
    const current = hasRecords(header.version, data.length);
    return {
        version: header.version,
        dataLength: data.length,
        entries,
        records: current ? decodeValidatorRecords(data, header.count, L.recordsOffset) : null,
        scoring: current ? decodeValidatorScoring(data, L.scoringOffset) : null,
        needsMigration: !current,
    };
}

/** The used part of the pool's validator list: three data slices read at once (the header with
 *  the first `count` entries, the first `count` records, the scoring trailer), about
 *  48 + 136 * count + 128 bytes instead of 2.72 MB. A list of layout 0 answers the last two with
 *  nothing; its entries are shown all the same. */
export async function fetchValidatorList(rpc: Rpc, validatorList: Address, count: number): Promise<ValidatorListView> {
    const L = VALIDATOR_LIST_LAYOUT;
    const slice = (offset: number, length: number) =>
        rpc.getAccountInfo(validatorList, { encoding: 'base64', commitment: 'confirmed', dataSlice: { offset, length } }).send();
    const [head, recs, trailer] = await Promise.all([
        slice(0, L.entriesOffset + count * L.entrySize),
        slice(L.recordsOffset, count * L.recordSize),
        slice(L.scoringOffset, L.scoringSize),
    ]);
    if (!head.value) throw new Error('validator list not found');
    const b64 = getBase64Encoder();
    const headBytes = b64.encode(head.value.data[0]);
    const header = decodeValidatorListHeader(headBytes);
    // The list's own count wins if the pool's moved in between.
    const n = Math.min(count, header.count);
    // `space` is the whole account's size whatever the slice. (A node without it: the version
    // alone, which migrate_validator_list sets only at its last step, at the full size.)
    const recBytes = recs.value ? b64.encode(recs.value.data[0]) : new Uint8Array();
    const trailerBytes = trailer.value ? b64.encode(trailer.value.data[0]) : new Uint8Array();
    const space = (head.value as { space?: bigint }).space;
    const dataLength = space !== undefined ? Number(space) : header.version >= IDL_CONSTANTS.VALIDATOR_LIST_VERSION ? L.size : L.legacySize;
    const current = hasRecords(header.version, dataLength) && recBytes.length >= n * L.recordSize && trailerBytes.length === L.scoringSize;
    return {
        version: header.version,
        dataLength,
        entries: decodeValidatorEntries(headBytes, n, L.entriesOffset),
        records: current ? decodeValidatorRecords(recBytes, n) : null,
        scoring: current ? decodeValidatorScoring(trailerBytes) : null,
        needsMigration: !current,
    };
}
