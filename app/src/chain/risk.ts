// Validator risk for people: a validator's state and why it was removed from the targets, its
// commission and credits, the rules in force, where the targets come from, as the SDK words them
// (crates/sdk/src/risk.rs: `standing`, `reason_text`, `target_mode_text`) and as the program
// decides them (state/scoring.rs: `rules_at`, `last_commission_bps`, `window_credits`,
// `targets_from_scores`; state/selection.rs).
import type { ValidatorEntry, ValidatorRecord, ValidatorRules, ValidatorScoring } from '../generated';
import { bps } from '../format';

// Written by hand: plain `pub const`s of state/validator_list.rs, state/scoring.rs and
// state/selection.rs, not exported to the IDL (as the PAUSED_* flags; see README "What is written
// by hand").
/** `ValidatorEntry::flags`: the pool deactivated the validator's whole main stake. */
export const VALIDATOR_FLAG_MAIN_DEACTIVATED = 1;
/** `ValidatorEntry::flags`: the validator fails a rule or is cooling off: its weight counts for nothing. */
export const VALIDATOR_FLAG_INELIGIBLE = 2;
/** `ValidatorEntry::flags`: blocklisted by the operator. */
export const VALIDATOR_FLAG_BLOCKED = 4;
/** `ValidatorRecord::reason`. */
export const ELIGIBLE = 0;
export const INELIGIBLE_BLOCKLISTED = 1;
export const INELIGIBLE_COMMISSION_ABOVE_CAP = 2;
export const INELIGIBLE_COMMISSION_INCREASE = 3;
export const INELIGIBLE_DELINQUENT = 4;
export const INELIGIBLE_LOW_CREDITS = 5;
/** A `commission_bps` slot of an epoch without a reading. */
export const COMMISSION_NOT_READ = 0xffff;
/** `watched_since_epoch` of a validator never read; `pending_rules_epoch` with nothing pending. */
export const NEVER_READ = 0xffff_ffff_ffff_ffffn;
export const NOTHING_PENDING = NEVER_READ;
/** `ValidatorScoring::target_mode` (state/selection.rs): the operator's weights (`set_validator_weight`). */
export const TARGETS_BY_WEIGHT = 0;
/** The top N eligible validators by score, with equal weights (`select_validators`). */
export const TARGETS_TOP_EQUAL = 1;
/** The top N eligible validators by score, each weighted by its score (`select_validators`). */
export const TARGETS_TOP_BY_SCORE = 2;
/** `ValidatorScoring::selected_epoch` with no selection since score mode was set (u64::MAX). */
export const NO_SELECTION = NEVER_READ;

/** The broken rule in words (`reason_text`). */
export function reasonText(reason: number): string {
    switch (reason) {
        case ELIGIBLE:
            return 'passes every rule';
        case INELIGIBLE_BLOCKLISTED:
            return 'blocklisted';
        case INELIGIBLE_COMMISSION_ABOVE_CAP:
            return 'commission above the cap';
        case INELIGIBLE_COMMISSION_INCREASE:
            return 'commission rose more than the rules allow';
        case INELIGIBLE_DELINQUENT:
            return 'delinquent (no credits)';
        case INELIGIBLE_LOW_CREDITS:
            return "credits below the share of the best validator's";
        default:
            return `unknown reason ${reason}`;
    }
}

export type ValidatorStateKind = 'eligible' | 'ineligible' | 'cooling-off' | 'blocklisted' | 'never-read' | 'unknown';

export interface ValidatorState {
    kind: ValidatorStateKind;
    /** The state in a few words: "eligible", "cooling off until epoch 12", ... */
    label: string;
    /** Why the validator is out of the targets (the record's reason in words); null while it is in. */
    reason: string | null;
    /** The SDK's one-line wording (`risk::standing`). */
    standing: string;
}

/** A validator's state in `epoch` (`risk::standing`): blocklisted first, then never read, then
 *  eligible by its entry's flag, else the rule it broke, cooling off while `epoch` is before its
 *  `eligible_from_epoch`. `record` null: a list from before the records (state unknown). */
export function validatorState(entry: ValidatorEntry, record: ValidatorRecord | null, epoch: bigint | null): ValidatorState {
    if (entry.flags & VALIDATOR_FLAG_BLOCKED) {
        return { kind: 'blocklisted', label: 'blocklisted', reason: 'blocklisted by the operator', standing: 'blocklisted by the operator' };
    }
    if (!record) return { kind: 'unknown', label: 'not recorded', reason: null, standing: 'not recorded (the list needs migration)' };
    if (record.watchedSinceEpoch === NEVER_READ) return { kind: 'never-read', label: 'never read', reason: null, standing: 'never read' };
    if (!(entry.flags & VALIDATOR_FLAG_INELIGIBLE)) return { kind: 'eligible', label: 'eligible', reason: null, standing: 'eligible' };
    if (record.reason === ELIGIBLE) {
        // Blocklisting lifted: eligible again at the next reading that passes (no cooling-off).
        const standing = 'ineligible until its next reading';
        return { kind: 'ineligible', label: standing, reason: 'blocklisting lifted; waiting for a reading', standing };
    }
    const why = reasonText(record.reason);
    if (epoch === null || epoch < record.eligibleFromEpoch) {
        return {
            kind: 'cooling-off',
            label: `cooling off until epoch ${record.eligibleFromEpoch}`,
            reason: why,
            standing: `ineligible: ${why}; cooling off until epoch ${record.eligibleFromEpoch}`,
        };
    }
    return { kind: 'ineligible', label: `ineligible: ${why}`, reason: why, standing: `ineligible: ${why}` };
}

/** The weight that counts toward the targets (`effective_weight`): nothing while ineligible. */
export function effectiveWeight(entry: ValidatorEntry): number {
    return entry.flags & VALIDATOR_FLAG_INELIGIBLE ? 0 : entry.weight;
}

/** The highest commission of the latest epoch read and that epoch (`last_commission_bps`); null
 *  when none was read. `commission_bps[i]` belongs to epoch `recorded_epoch - i`. */
export function lastCommission(record: ValidatorRecord): { bps: number; epoch: bigint } | null {
    const i = record.commissionBps.findIndex((c) => c !== COMMISSION_NOT_READ);
    return i < 0 ? null : { bps: record.commissionBps[i], epoch: record.recordedEpoch - BigInt(i) };
}

/** Commission as a percentage with two decimals ("5.00%"), "—" when not read. */
export function commissionText(record: ValidatorRecord | null): string {
    const c = record && lastCommission(record);
    return c ? bps(c.bps) : '—';
}

/** Credits over the window (`window_credits`). */
export function windowCredits(record: ValidatorRecord): bigint {
    return record.credits.reduce((a, c) => a + BigInt(c), 0n);
}

/** Credits by epoch, newest first: `credits[i]` was earned in epoch `recorded_epoch - 1 - i`
 *  (completed epochs before the reading); epochs before 0 are left out. */
export function creditsByEpoch(record: ValidatorRecord): { epoch: bigint; credits: number }[] {
    return record.credits
        .map((credits, i) => ({ epoch: record.recordedEpoch - 1n - BigInt(i), credits }))
        .filter((x) => x.epoch >= 0n);
}

/** The rules in force in `epoch` (`rules_at`). */
export function rulesAt(scoring: ValidatorScoring, epoch: bigint): ValidatorRules {
    return epoch >= scoring.pendingRulesEpoch ? scoring.pendingRules : scoring.rules;
}

/** A scheduled loosening not yet in force in `epoch`: the rules and the epoch they apply from. */
export function pendingRules(scoring: ValidatorScoring, epoch: bigint): { rules: ValidatorRules; fromEpoch: bigint } | null {
    if (scoring.pendingRulesEpoch === NOTHING_PENDING || epoch >= scoring.pendingRulesEpoch) return null;
    return { rules: scoring.pendingRules, fromEpoch: scoring.pendingRulesEpoch };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const num = (x: bigint | number) => x.toLocaleString('en-US');

/** Whether the targets follow scores (`select_validators`) rather than the operator's weights
 *  (`targets_from_scores`: any mode but TARGETS_BY_WEIGHT). */
export function targetsFromScores(scoring: ValidatorScoring): boolean {
    return scoring.targetMode !== TARGETS_BY_WEIGHT;
}

/** Where the targets come from, in words (`target_mode_text`). */
export function targetModeText(scoring: ValidatorScoring): string {
    switch (scoring.targetMode) {
        case TARGETS_BY_WEIGHT:
            return "the operator's weights";
        case TARGETS_TOP_EQUAL:
            return `the top ${num(scoring.topN)} validators by score, equal weights`;
        case TARGETS_TOP_BY_SCORE:
            return `the top ${num(scoring.topN)} validators by score, weighted by score`;
        default:
            return `unknown target mode ${scoring.targetMode}`;
    }
}

export interface LastSelection {
    epoch: bigint;
    /** The N-th best candidate score (0: fewer candidates than N, every one was selected). */
    cutoffScore: bigint;
    /** Validators the selection took (the top N and any tied with the N-th). */
    count: number;
}

/** The last `select_validators` since score mode was set; null in hand mode and before the first. */
export function lastSelection(scoring: ValidatorScoring): LastSelection | null {
    if (!targetsFromScores(scoring) || scoring.selectedEpoch === NO_SELECTION) return null;
    return { epoch: scoring.selectedEpoch, cutoffScore: scoring.selectedCutoffScore, count: scoring.selectedCount };
}

/** The last selection in words; null in hand mode (there is none to speak of). */
export function selectionText(scoring: ValidatorScoring): string | null {
    if (!targetsFromScores(scoring)) return null;
    const s = lastSelection(scoring);
    if (!s) return "no selection yet: the operator's weights stand until the first selection";
    if (s.cutoffScore === 0n) {
        // `cutoff_score` is 0 when fewer than N validators are candidates: all of them were taken.
        return `epoch ${s.epoch}: ${plural(s.count, 'validator')}, every eligible one with a score (fewer than ${num(scoring.topN)})`;
    }
    return `epoch ${s.epoch}: ${plural(s.count, 'validator')} at a score of at least ${num(s.cutoffScore)}`;
}

export type SelectionKind = 'selected' | 'not-selected' | 'no-selection';

/** A validator's part in the selection, in score mode (null in hand mode): selected while its
 *  weight is above 0 (`select_validators` gives 0 to the others); before the first selection its
 *  weight is still the operator's. An ineligible validator keeps the weight of its selection until
 *  the next one, but it counts for nothing meanwhile (see `effectiveWeight`). */
export function selectionState(entry: ValidatorEntry, scoring: ValidatorScoring | null): { kind: SelectionKind; label: string } | null {
    if (!scoring || !targetsFromScores(scoring)) return null;
    const s = lastSelection(scoring);
    if (!s) return { kind: 'no-selection', label: "no selection yet (the operator's weight)" };
    return entry.weight > 0
        ? { kind: 'selected', label: `selected in epoch ${s.epoch}` }
        : { kind: 'not-selected', label: `not selected in epoch ${s.epoch}` };
}

/** Each rule in words, in the order of the module doc of state/scoring.rs: `short` is the value
 *  alone, `value` the value with what it applies to. */
export function rulesText(r: ValidatorRules): { key: keyof ValidatorRules; label: string; short: string; value: string }[] {
    return [
        { key: 'maxCommissionBps', label: 'Max commission', short: bps(r.maxCommissionBps), value: bps(r.maxCommissionBps) },
        {
            key: 'maxCommissionIncreaseBps',
            label: 'Max commission increase',
            short: bps(r.maxCommissionIncreaseBps),
            value: `${bps(r.maxCommissionIncreaseBps)} over the reading before`,
        },
        { key: 'minCreditsBps', label: 'Min credits share', short: bps(r.minCreditsBps), value: `${bps(r.minCreditsBps)} of the best pool validator's credits` },
        {
            key: 'delinquentEpochs',
            label: 'Delinquent after',
            short: plural(r.delinquentEpochs, 'epoch'),
            value: `${plural(r.delinquentEpochs, 'epoch')} without a credit`,
        },
        {
            key: 'coolingOffEpochs',
            label: 'Cooling-off',
            short: plural(r.coolingOffEpochs, 'epoch'),
            value: `${plural(r.coolingOffEpochs, 'epoch')} after a failed reading`,
        },
    ];
}

/** What a pending change moves, rule by rule ("max commission 5.00% → 8.00%"). */
export function rulesChanges(now: ValidatorRules, next: ValidatorRules): string[] {
    const b = rulesText(next);
    return rulesText(now)
        .map((x, i) => ({ x, y: b[i] }))
        .filter(({ x }) => now[x.key] !== next[x.key])
        .map(({ x, y }) => `${x.label.toLowerCase()} ${x.short} → ${y.short}`);
}
