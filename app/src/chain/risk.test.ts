// A validator's state and reason in words (as the SDK's risk::standing and reason_text), its
// commission and credits, the rules in force and a pending loosening, where the targets come from
// and the last selection (as the SDK's target_mode_text).
import { describe, expect, it } from 'vitest';

import type { ValidatorEntry, ValidatorRecord, ValidatorScoring } from '../generated';
import {
    commissionText,
    COMMISSION_NOT_READ,
    creditsByEpoch,
    effectiveWeight,
    INELIGIBLE_DELINQUENT,
    lastCommission,
    lastSelection,
    NEVER_READ,
    NO_SELECTION,
    NOTHING_PENDING,
    pendingRules,
    reasonText,
    rulesAt,
    rulesChanges,
    rulesText,
    selectionState,
    selectionText,
    targetModeText,
    targetsFromScores,
    TARGETS_BY_WEIGHT,
    TARGETS_TOP_BY_SCORE,
    TARGETS_TOP_EQUAL,
    validatorState,
    VALIDATOR_FLAG_BLOCKED,
    VALIDATOR_FLAG_INELIGIBLE,
    windowCredits,
} from './risk';

const entry = (flags: number): ValidatorEntry =>
    ({ voteAccount: 'V', activeStakeLamports: 0n, transientStakeLamports: 0n, lastObservedEpoch: 0n, unstakingLamports: 0n, weight: 3, status: 0, validatorStakeBump: 0, transientStakeBump: 0, flags }) as ValidatorEntry;
const unread: ValidatorRecord = {
    recordedEpoch: 0n,
    watchedSinceEpoch: NEVER_READ,
    eligibleFromEpoch: 0n,
    score: 0n,
    credits: [0, 0, 0, 0, 0],
    commissionBps: Array(5).fill(COMMISSION_NOT_READ),
    reason: 0,
    delinquentEpochs: 0,
};

describe('validator state in words', () => {
    it('names each reason as the SDK does', () => {
        expect([0, 1, 2, 3, 4, 5].map(reasonText)).toEqual([
            'passes every rule',
            'blocklisted',
            'commission above the cap',
            'commission rose more than the rules allow',
            'delinquent (no credits)',
            "credits below the share of the best validator's",
        ]);
        expect(reasonText(9)).toBe('unknown reason 9');
    });

    it('words the standing as risk::standing (its test, ported)', () => {
        const record = { ...unread, reason: INELIGIBLE_DELINQUENT, eligibleFromEpoch: 9n, watchedSinceEpoch: 3n };
        expect(validatorState(entry(VALIDATOR_FLAG_INELIGIBLE), record, 7n)).toEqual({
            kind: 'cooling-off',
            label: 'cooling off until epoch 9',
            reason: 'delinquent (no credits)',
            standing: 'ineligible: delinquent (no credits); cooling off until epoch 9',
        });
        expect(validatorState(entry(0), record, 9n)).toMatchObject({ kind: 'eligible', label: 'eligible', reason: null, standing: 'eligible' });
        expect(validatorState(entry(VALIDATOR_FLAG_INELIGIBLE), unread, 9n)).toMatchObject({ kind: 'never-read', label: 'never read', standing: 'never read' });
        // Blocklisting lifted: no cooling-off, eligible at the next reading that passes.
        const lifted = { ...record, reason: 0 };
        expect(validatorState(entry(VALIDATOR_FLAG_INELIGIBLE), lifted, 9n)).toMatchObject({ kind: 'ineligible', standing: 'ineligible until its next reading' });
    });

    it('ineligible past the cooling-off until a reading passes; blocklisted first; unknown without records', () => {
        const record = { ...unread, reason: 2, eligibleFromEpoch: 9n, watchedSinceEpoch: 3n, recordedEpoch: 8n };
        expect(validatorState(entry(VALIDATOR_FLAG_INELIGIBLE), record, 9n)).toEqual({
            kind: 'ineligible',
            label: 'ineligible: commission above the cap',
            reason: 'commission above the cap',
            standing: 'ineligible: commission above the cap',
        });
        const blocked = validatorState(entry(VALIDATOR_FLAG_BLOCKED | VALIDATOR_FLAG_INELIGIBLE), { ...record, reason: 1 }, 9n);
        expect(blocked).toMatchObject({ kind: 'blocklisted', label: 'blocklisted', reason: 'blocklisted by the operator' });
        expect(validatorState(entry(VALIDATOR_FLAG_BLOCKED), unread, 9n).kind).toBe('blocklisted');
        expect(validatorState(entry(0), null, 9n)).toMatchObject({ kind: 'unknown', label: 'not recorded' });
    });

    it('an ineligible validator’s weight counts for nothing', () => {
        expect(effectiveWeight(entry(0))).toBe(3);
        expect(effectiveWeight(entry(VALIDATOR_FLAG_INELIGIBLE))).toBe(0);
    });
});

describe('commission and credits', () => {
    const record: ValidatorRecord = {
        ...unread,
        recordedEpoch: 12n,
        watchedSinceEpoch: 4n,
        credits: [6_000, 5_500, 0, 4_000, 1],
        commissionBps: [COMMISSION_NOT_READ, 750, 500, COMMISSION_NOT_READ, 0],
        score: 14_337n,
    };
    it('the current commission is the latest epoch read, as a percentage with two decimals', () => {
        expect(lastCommission(record)).toEqual({ bps: 750, epoch: 11n });
        expect(commissionText(record)).toBe('7.50%');
        expect(commissionText({ ...record, commissionBps: [1_234, 0, 0, 0, 0] })).toBe('12.34%');
        expect(commissionText({ ...record, commissionBps: [0, 0, 0, 0, 0] })).toBe('0.00%');
        expect(commissionText(unread)).toBe('—');
        expect(commissionText(null)).toBe('—');
    });
    it('credits over the window and by epoch, newest first, of the completed epochs before the reading', () => {
        expect(windowCredits(record)).toBe(15_501n);
        expect(creditsByEpoch(record)).toEqual([
            { epoch: 11n, credits: 6_000 },
            { epoch: 10n, credits: 5_500 },
            { epoch: 9n, credits: 0 },
            { epoch: 8n, credits: 4_000 },
            { epoch: 7n, credits: 1 },
        ]);
        expect(creditsByEpoch({ ...record, recordedEpoch: 2n }).map((x) => x.epoch)).toEqual([1n, 0n]);
        expect(windowCredits({ ...record, credits: [4_294_967_295, 4_294_967_295, 0, 0, 0] })).toBe(8_589_934_590n);
    });
});

describe('rules', () => {
    const rules = { maxCommissionBps: 500, maxCommissionIncreaseBps: 200, minCreditsBps: 5_000, delinquentEpochs: 2, coolingOffEpochs: 3 };
    const loose = { ...rules, maxCommissionBps: 1_000, delinquentEpochs: 1 };
    const scoring = (pendingRulesEpoch: bigint): ValidatorScoring => ({
        rules,
        pendingRules: loose,
        pendingRulesEpoch,
        roundEpoch: 0n,
        roundBestCredits: 0n,
        referenceBestCredits: 0n,
        ineligibleCount: 0,
        padding: new Uint8Array(4),
        targetMode: TARGETS_BY_WEIGHT,
        modePadding: new Uint8Array(3),
        topN: 0,
        selectedEpoch: NO_SELECTION,
        selectedCutoffScore: 0n,
        selectedCount: 0,
        selectionPadding: new Uint8Array(4),
        reserved: new Uint8Array(40),
    });
    it('a loosening is pending until its epoch, then in force', () => {
        expect(rulesAt(scoring(13n), 12n)).toEqual(rules);
        expect(pendingRules(scoring(13n), 12n)).toEqual({ rules: loose, fromEpoch: 13n });
        expect(rulesAt(scoring(13n), 13n)).toEqual(loose);
        expect(pendingRules(scoring(13n), 13n)).toBeNull();
        expect(pendingRules(scoring(NOTHING_PENDING), 12n)).toBeNull();
        expect(rulesAt(scoring(NOTHING_PENDING), 12n)).toEqual(rules);
    });
    it('in words', () => {
        expect(rulesText(rules).map((r) => `${r.label}: ${r.value}`)).toEqual([
            'Max commission: 5.00%',
            'Max commission increase: 2.00% over the reading before',
            "Min credits share: 50.00% of the best pool validator's credits",
            'Delinquent after: 2 epochs without a credit',
            'Cooling-off: 3 epochs after a failed reading',
        ]);
        expect(rulesChanges(rules, loose)).toEqual(['max commission 5.00% → 10.00%', 'delinquent after 2 epochs → 1 epoch']);
    });
});

describe('targets from scores', () => {
    const rules = { maxCommissionBps: 500, maxCommissionIncreaseBps: 200, minCreditsBps: 5_000, delinquentEpochs: 2, coolingOffEpochs: 3 };
    const scoring = (targetMode: number, topN: number, selectedEpoch = NO_SELECTION, selectedCutoffScore = 0n, selectedCount = 0): ValidatorScoring => ({
        rules,
        pendingRules: rules,
        pendingRulesEpoch: NOTHING_PENDING,
        roundEpoch: 0n,
        roundBestCredits: 0n,
        referenceBestCredits: 0n,
        ineligibleCount: 0,
        padding: new Uint8Array(4),
        targetMode,
        modePadding: new Uint8Array(3),
        topN,
        selectedEpoch,
        selectedCutoffScore,
        selectedCount,
        selectionPadding: new Uint8Array(4),
        reserved: new Uint8Array(40),
    });
    const weighted = (weight: number, flags = 0) => ({ ...entry(flags), weight });

    it('the mode numbers of state/selection.rs', () => {
        expect([TARGETS_BY_WEIGHT, TARGETS_TOP_EQUAL, TARGETS_TOP_BY_SCORE]).toEqual([0, 1, 2]);
        expect(NO_SELECTION).toBe(0xffff_ffff_ffff_ffffn);
    });

    it('where the targets come from, in words (target_mode_text)', () => {
        expect(targetModeText(scoring(TARGETS_BY_WEIGHT, 0))).toBe("the operator's weights");
        expect(targetModeText(scoring(TARGETS_TOP_EQUAL, 5))).toBe('the top 5 validators by score, equal weights');
        expect(targetModeText(scoring(TARGETS_TOP_BY_SCORE, 20_000))).toBe('the top 20,000 validators by score, weighted by score');
        expect(targetModeText(scoring(7, 1))).toBe('unknown target mode 7');
        expect(targetsFromScores(scoring(TARGETS_BY_WEIGHT, 0))).toBe(false);
        expect(targetsFromScores(scoring(TARGETS_TOP_EQUAL, 5))).toBe(true);
        expect(targetsFromScores(scoring(TARGETS_TOP_BY_SCORE, 5))).toBe(true);
    });

    it('the last selection: none in hand mode, none yet after score mode was set, else its epoch, count and cutoff', () => {
        // Hand mode: nothing to say, even if a selection of an earlier score mode is left in the fields.
        expect(selectionText(scoring(TARGETS_BY_WEIGHT, 0))).toBeNull();
        expect(lastSelection(scoring(TARGETS_BY_WEIGHT, 0, 12n, 100n, 3))).toBeNull();
        expect(selectionText(scoring(TARGETS_TOP_EQUAL, 5))).toBe("no selection yet: the operator's weights stand until the first selection");
        expect(lastSelection(scoring(TARGETS_TOP_EQUAL, 5))).toBeNull();
        const s = scoring(TARGETS_TOP_BY_SCORE, 5, 12n, 4_321_000n, 6);
        expect(lastSelection(s)).toEqual({ epoch: 12n, cutoffScore: 4_321_000n, count: 6 });
        expect(selectionText(s)).toBe('epoch 12: 6 validators at a score of at least 4,321,000');
        expect(selectionText(scoring(TARGETS_TOP_EQUAL, 1, 3n, 9n, 1))).toBe('epoch 3: 1 validator at a score of at least 9');
        // Cutoff 0: fewer candidates than N, every one taken.
        expect(selectionText(scoring(TARGETS_TOP_EQUAL, 10, 4n, 0n, 3))).toBe('epoch 4: 3 validators, every eligible one with a score (fewer than 10)');
    });

    it('a validator is selected while its weight is above 0, in score mode after a selection only', () => {
        expect(selectionState(weighted(3), scoring(TARGETS_BY_WEIGHT, 0))).toBeNull();
        expect(selectionState(weighted(3), null)).toBeNull();
        expect(selectionState(weighted(3), scoring(TARGETS_TOP_EQUAL, 2))).toEqual({ kind: 'no-selection', label: "no selection yet (the operator's weight)" });
        const after = scoring(TARGETS_TOP_EQUAL, 2, 12n, 50n, 2);
        expect(selectionState(weighted(1), after)).toEqual({ kind: 'selected', label: 'selected in epoch 12' });
        expect(selectionState(weighted(0), after)).toEqual({ kind: 'not-selected', label: 'not selected in epoch 12' });
        // Turned ineligible since: still selected by the last selection, its weight counts for nothing.
        const out = weighted(1, VALIDATOR_FLAG_INELIGIBLE);
        expect(selectionState(out, after)?.kind).toBe('selected');
        expect(effectiveWeight(out)).toBe(0);
    });
});
