// The validator list read by offset, held to the generated full-struct codec and to the program's
// repr(C) layout (state/validator_list.rs, state/scoring.rs); the old layout still shows its entries.
import { getAddressDecoder, getBase64Decoder, type Address } from '@solana/kit';
import { describe, expect, it } from 'vitest';

import {
    getValidatorListDecoder,
    getValidatorListEncoder,
    getValidatorRecordEncoder,
    getValidatorScoringEncoder,
    VALIDATOR_LIST_DISCRIMINATOR,
    type ValidatorEntryArgs,
    type ValidatorRecordArgs,
    type ValidatorScoringArgs,
} from '../generated';
import { IDL_CONSTANTS } from '../generated/idlExtras';
import type { Rpc } from './connection';
import { COMMISSION_NOT_READ, lastSelection, NEVER_READ, NO_SELECTION, TARGETS_TOP_BY_SCORE, TARGETS_TOP_EQUAL, targetModeText } from './risk';
import {
    decodeValidatorListHeader,
    decodeValidatorListView,
    decodeValidatorRecords,
    decodeValidatorScoring,
    fetchValidatorList,
    VALIDATOR_LIST_LAYOUT as L,
} from './validatorList';

const MAX = IDL_CONSTANTS.MAX_VALIDATORS;
const key = (n: number) => getAddressDecoder().decode(new Uint8Array(32).fill(n)) as Address;

const entry = (n: number): ValidatorEntryArgs => ({
    voteAccount: key(n),
    activeStakeLamports: 1_000_000_000n * BigInt(n),
    transientStakeLamports: BigInt(n),
    lastObservedEpoch: 7n,
    unstakingLamports: 0n,
    weight: n,
    status: 0,
    validatorStakeBump: 255,
    transientStakeBump: 254,
    flags: n === 2 ? 2 : 0,
});
const unread: ValidatorRecordArgs = {
    recordedEpoch: 0n,
    watchedSinceEpoch: NEVER_READ,
    eligibleFromEpoch: 0n,
    score: 0n,
    credits: [0, 0, 0, 0, 0],
    commissionBps: Array(5).fill(COMMISSION_NOT_READ),
    reason: 0,
    delinquentEpochs: 0,
};
const record = (n: number): ValidatorRecordArgs => ({
    recordedEpoch: 10n,
    watchedSinceEpoch: 4n,
    eligibleFromEpoch: n === 2 ? 14n : 0n,
    score: 4_500n + BigInt(n),
    credits: [1_000 + n, 900, 800, 700, 600],
    commissionBps: [500 + n, 500, COMMISSION_NOT_READ, 400, COMMISSION_NOT_READ],
    reason: n === 2 ? 2 : 0,
    delinquentEpochs: n,
});
const rules = { maxCommissionBps: 1_000, maxCommissionIncreaseBps: 500, minCreditsBps: 5_000, delinquentEpochs: 2, coolingOffEpochs: 3 };
const scoring: ValidatorScoringArgs = {
    rules,
    pendingRules: { ...rules, maxCommissionBps: 800 },
    pendingRulesEpoch: 12n,
    roundEpoch: 10n,
    roundBestCredits: 4_100n,
    referenceBestCredits: 4_000n,
    ineligibleCount: 1,
    padding: new Uint8Array(4),
    targetMode: TARGETS_TOP_EQUAL,
    modePadding: new Uint8Array(3),
    topN: 2,
    selectedEpoch: 10n,
    selectedCutoffScore: 4_502n,
    selectedCount: 2,
    selectionPadding: new Uint8Array(4),
    reserved: new Uint8Array(40),
};

/** A whole list of the current layout with `count` validators, by the generated encoder (cached:
 *  encoding 40,000 elements takes a while). */
const lists = new Map<number, Uint8Array>();
function currentList(count: number): Uint8Array {
    const cached = lists.get(count);
    if (cached) return cached;
    const entries = Array.from({ length: MAX }, (_, i) => (i < count ? entry(i + 1) : { ...entry(0), voteAccount: key(0) }));
    const records = Array.from({ length: MAX }, (_, i) => (i < count ? record(i + 1) : unread));
    const data = new Uint8Array(
        getValidatorListEncoder().encode({ pool: key(9), count, version: IDL_CONSTANTS.VALIDATOR_LIST_VERSION, padding: new Uint8Array(3), entries, records, scoring }),
    );
    lists.set(count, data);
    return data;
}

/** A list of layout 0 (version 0, header and entries only: 1,440,048 bytes). */
function legacyList(count: number, extraBytes = 0): Uint8Array {
    return currentList(count).slice(0, L.legacySize + extraBytes).map((b, i) => (i === 44 ? 0 : b));
}

/** An RPC that answers getAccountInfo with slices of `data`, as a node does (`space` = the whole size). */
function fakeRpc(data: Uint8Array, seen: { offset: number; length: number }[]): Rpc {
    const b64 = getBase64Decoder();
    return {
        getAccountInfo: (_a: Address, cfg: { dataSlice: { offset: number; length: number } }) => ({
            send: async () => {
                seen.push(cfg.dataSlice);
                const { offset, length } = cfg.dataSlice;
                const part = data.slice(Math.min(offset, data.length), Math.min(offset + length, data.length));
                return { context: { slot: 1n }, value: { data: [b64.decode(part), 'base64'], space: BigInt(data.length), lamports: 1n, owner: key(1), executable: false } };
            },
        }),
    } as unknown as Rpc;
}

describe('validator list layout', () => {
    it('has the program’s offsets: header 48, records after the 20,000 entries, the scoring trailer last', () => {
        expect(L.headerSize).toBe(48);
        expect(L.entrySize).toBe(72);
        expect(L.recordSize).toBe(64);
        expect(L.scoringSize).toBe(128);
        expect(L.legacySize).toBe(1_440_048); // ValidatorList::SPACE_V0
        expect(L.recordsOffset).toBe(1_440_048);
        expect(L.scoringOffset).toBe(1_440_048 + 20_000 * 64);
        expect(L.size).toBe(2_720_176); // ValidatorList::SPACE
    });

    it('decodes a record from its repr(C) bytes', () => {
        // ValidatorRecord: recorded_epoch, watched_since_epoch, eligible_from_epoch, score (u64 LE at
        // 0, 8, 16, 24), credits [u32; 5] at 32, commission_bps [u16; 5] at 52, reason at 62,
        // delinquent_epochs at 63.
        const bytes = new Uint8Array(64);
        const v = new DataView(bytes.buffer);
        v.setBigUint64(0, 12n, true);
        v.setBigUint64(8, 0xffff_ffff_ffff_ffffn, true);
        v.setBigUint64(16, 16n, true);
        v.setBigUint64(24, 123_456_789n, true);
        [5_000, 4_000, 0, 4_294_967_295, 1].forEach((c, i) => v.setUint32(32 + 4 * i, c, true));
        [1_000, 0xffff, 250, 0, 10_000].forEach((c, i) => v.setUint16(52 + 2 * i, c, true));
        bytes[62] = 3;
        bytes[63] = 2;
        const [r] = decodeValidatorRecords(bytes, 1);
        expect(r).toEqual({
            recordedEpoch: 12n,
            watchedSinceEpoch: NEVER_READ,
            eligibleFromEpoch: 16n,
            score: 123_456_789n,
            credits: [5_000, 4_000, 0, 4_294_967_295, 1],
            commissionBps: [1_000, 0xffff, 250, 0, 10_000],
            reason: 3,
            delinquentEpochs: 2,
        });
        expect(new Uint8Array(getValidatorRecordEncoder().encode(r))).toEqual(bytes);
    });

    it('decodes the scoring trailer from its repr(C) bytes, the target mode and the last selection at their offsets', () => {
        // ValidatorScoring: rules and pending_rules (ValidatorRules: three u16 and two u8, 8 bytes)
        // at 0 and 8, pending_rules_epoch, round_epoch, round_best_credits, reference_best_credits
        // (u64 LE at 16, 24, 32, 40), ineligible_count u32 at 48, _padding 4; then target_mode u8
        // at 56, _mode_padding 3, top_n u32 at 60, selected_epoch u64 at 64, selected_cutoff_score
        // u64 at 72, selected_count u32 at 80, _selection_padding 4, _reserved [u8; 40] at 88..128.
        const bytes = new Uint8Array(128);
        const v = new DataView(bytes.buffer);
        const rulesAt = (o: number, r: typeof rules) => {
            v.setUint16(o, r.maxCommissionBps, true);
            v.setUint16(o + 2, r.maxCommissionIncreaseBps, true);
            v.setUint16(o + 4, r.minCreditsBps, true);
            bytes[o + 6] = r.delinquentEpochs;
            bytes[o + 7] = r.coolingOffEpochs;
        };
        rulesAt(0, rules);
        rulesAt(8, { ...rules, maxCommissionBps: 800 });
        v.setBigUint64(16, NEVER_READ, true);
        v.setBigUint64(24, 11n, true);
        v.setBigUint64(32, 4_200n, true);
        v.setBigUint64(40, 4_100n, true);
        v.setUint32(48, 3, true);
        bytes[56] = TARGETS_TOP_BY_SCORE;
        v.setUint32(60, 20_000, true);
        v.setBigUint64(64, 0x0102_0304_0506_0708n, true);
        v.setBigUint64(72, 0xfedc_ba98_7654_3210n, true);
        v.setUint32(80, 4_294_967_295, true);
        const s = decodeValidatorScoring(bytes);
        expect(s).toMatchObject({
            rules,
            pendingRules: { ...rules, maxCommissionBps: 800 },
            pendingRulesEpoch: NEVER_READ,
            roundEpoch: 11n,
            roundBestCredits: 4_200n,
            referenceBestCredits: 4_100n,
            ineligibleCount: 3,
            targetMode: 2,
            topN: 20_000,
            selectedEpoch: 0x0102_0304_0506_0708n,
            selectedCutoffScore: 0xfedc_ba98_7654_3210n,
            selectedCount: 4_294_967_295,
        });
        expect(s.reserved).toHaveLength(40);
        expect(new Uint8Array(getValidatorScoringEncoder().encode(s))).toEqual(bytes);
        expect(targetModeText(s)).toBe('the top 20,000 validators by score, weighted by score');
        expect(lastSelection(s)).toEqual({ epoch: 0x0102_0304_0506_0708n, cutoffScore: 0xfedc_ba98_7654_3210n, count: 4_294_967_295 });
        // Each new field alone, so a shifted offset cannot pass by a coincidence of zeros.
        const one = (at: number, value: number) => {
            const b = new Uint8Array(128);
            b[at] = value;
            return decodeValidatorScoring(b);
        };
        expect(one(56, 1)).toMatchObject({ targetMode: 1, topN: 0, selectedEpoch: 0n });
        expect(one(60, 7)).toMatchObject({ targetMode: 0, topN: 7, selectedEpoch: 0n });
        expect(one(64, 9)).toMatchObject({ topN: 0, selectedEpoch: 9n, selectedCutoffScore: 0n });
        expect(one(72, 5)).toMatchObject({ selectedEpoch: 0n, selectedCutoffScore: 5n, selectedCount: 0 });
        expect(one(80, 6)).toMatchObject({ selectedCutoffScore: 0n, selectedCount: 6 });
        expect(one(88, 1).selectedCount).toBe(0);
        // A list made by the program's new_default: the operator's weights, no selection.
        const fresh = new Uint8Array(128);
        new DataView(fresh.buffer).setBigUint64(64, NO_SELECTION, true);
        expect(decodeValidatorScoring(fresh)).toMatchObject({ targetMode: 0, topN: 0, selectedEpoch: NO_SELECTION });
    });

    it('reads the used entries and records by offset as the generated full decoder does', () => {
        const data = currentList(3);
        const full = getValidatorListDecoder().decode(data);
        const view = decodeValidatorListView(data);
        expect(view.needsMigration).toBe(false);
        expect(view.version).toBe(1);
        expect(view.entries).toEqual(full.entries.slice(0, 3));
        expect(view.records).toEqual(full.records.slice(0, 3));
        expect(view.scoring).toEqual(full.scoring);
        expect(view.records![1].commissionBps[0]).toBe(502);
        expect(view.scoring!.pendingRulesEpoch).toBe(12n);
        expect(view.scoring).toMatchObject({ targetMode: TARGETS_TOP_EQUAL, topN: 2, selectedEpoch: 10n, selectedCutoffScore: 4_502n, selectedCount: 2 });
        // The trailer is the account's last 128 bytes: the target mode at 56 of it.
        expect(data[L.scoringOffset + 56]).toBe(TARGETS_TOP_EQUAL);
        expect(data.length - L.scoringOffset).toBe(128);
        expect(decodeValidatorListHeader(data)).toEqual({ pool: key(9), count: 3, version: 1 });
        expect(() => decodeValidatorListHeader(new Uint8Array(48))).toThrow(/discriminator/);
        expect(VALIDATOR_LIST_DISCRIMINATOR.length).toBe(8);
    });

    it('fetches three small slices, not the 2.72 MB account', async () => {
        const seen: { offset: number; length: number }[] = [];
        const view = await fetchValidatorList(fakeRpc(currentList(3), seen), key(1), 3);
        expect(seen).toEqual([
            { offset: 0, length: 48 + 3 * 72 },
            { offset: L.recordsOffset, length: 3 * 64 },
            { offset: L.scoringOffset, length: 128 },
        ]);
        expect(view.dataLength).toBe(L.size);
        expect(view.entries.map((e) => e.weight)).toEqual([1, 2, 3]);
        expect(view.records!.map((r) => r.score)).toEqual([4_501n, 4_502n, 4_503n]);
        expect(view.scoring!.referenceBestCredits).toBe(4_000n);
        expect(view.scoring).toMatchObject({ targetMode: TARGETS_TOP_EQUAL, topN: 2, selectedEpoch: 10n, selectedCutoffScore: 4_502n, selectedCount: 2 });
    });

    it('a list of the old layout (1,440,048 bytes, version 0) still shows its entries and needs migration', async () => {
        const data = legacyList(3);
        expect(data.length).toBe(1_440_048);
        const view = await fetchValidatorList(fakeRpc(data, []), key(1), 3);
        expect(view).toMatchObject({ version: 0, dataLength: 1_440_048, records: null, scoring: null, needsMigration: true });
        expect(view.entries.map((e) => e.voteAccount)).toEqual([key(1), key(2), key(3)]);
        expect(decodeValidatorListView(data)).toMatchObject({ needsMigration: true, records: null });
        // Part-way through migrate_validator_list: longer, still version 0.
        const partWay = await fetchValidatorList(fakeRpc(legacyList(3, 10_240 * 5), []), key(1), 3);
        expect(partWay).toMatchObject({ version: 0, dataLength: 1_440_048 + 51_200, needsMigration: true, records: null });
        expect(partWay.entries).toHaveLength(3);
    });

    it('trusts the list’s own count when the pool’s is ahead of it', async () => {
        const view = await fetchValidatorList(fakeRpc(currentList(2), []), key(1), 3);
        expect(view.entries).toHaveLength(2);
        expect(view.records).toHaveLength(2);
    });

    it('decodes by offset in time proportional to the validators used (measured)', () => {
        const data = currentList(3);
        const time = (f: () => unknown) => {
            const t = performance.now();
            f();
            return performance.now() - t;
        };
        const full = time(() => getValidatorListDecoder().decode(data));
        const sliced = time(() => decodeValidatorListView(data));
        console.log(`validator list decode: generated full-struct decoder ${full.toFixed(1)} ms, by offset (3 validators) ${sliced.toFixed(2)} ms`);
        expect(sliced).toBeLessThan(full);
    });
});
