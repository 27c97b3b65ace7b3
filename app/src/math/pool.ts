// Port of the quote methods of programs/liquid-staking/src/state/pool.rs, and of the quoting parts
// of the user instructions (instructions/user/*.rs) in the order the program checks them, so the
// app refuses what the program would refuse (with the same error name) before anything is sent.
import type { Fees, Pool } from '../generated';
import { IDL_CONSTANTS } from '../generated/idlExtras';
import { MathError, checkedAdd, checkedSub, divCeil, saturatingAdd, saturatingSub, u64 } from './core';
import { bufferTargetLamports } from './allocation';
import { quoteInstantExit as mathQuoteInstantExit, maxInstantValue, type InstantQuote } from './instant';
import {
    feeLstFor,
    lstForDeposit,
    quoteDeposit as mathQuoteDeposit,
    quoteExit,
    scaledYield,
    type DepositQuote,
    type EpochYield,
    type ExitQuote,
} from './rate';

/** PAUSED_* flags of state/pool.rs (not exported to the IDL; see app/README.md). */
export const PAUSED_DEPOSITS = 1;
export const PAUSED_INSTANT_EXITS = 2;
export const PAUSED_REBALANCING = 4;

/** The pool fields the quotes read. The generated `Pool` has them all. */
export type PoolQuoteState = Pick<
    Pool,
    | 'paused'
    | 'fees'
    | 'pendingFees'
    | 'pendingFeesEpoch'
    | 'reserveBufferBps'
    | 'totalLamports'
    | 'lstSupply'
    | 'lastUpdateEpoch'
    | 'owedLamports'
    | 'reserveRentLamports'
    | 'previousTotalLamports'
    | 'lastRewardsLamports'
    | 'lastFeeLamports'
    | 'lastRewardsSlots'
    | 'instantFeesRetainedLamports'
    | 'instantCurveTargetLamports'
>;

/** A refusal, named as the program's LiquidStakingError variant it mirrors. */
export class QuoteError extends Error {
    readonly code: string;
    constructor(code: string, message?: string) {
        super(message ?? code);
        this.code = code;
    }
}

function asProgramError<T>(f: () => T, map: (e: MathError) => string = () => 'MathOverflow'): T {
    try {
        return f();
    } catch (e) {
        if (e instanceof MathError) throw new QuoteError(map(e), `${map(e)} (at ${e.at})`);
        throw e;
    }
}

export function feesAt(pool: PoolQuoteState, epoch: bigint): Fees {
    return epoch >= pool.pendingFeesEpoch ? pool.pendingFees : pool.fees;
}

export function isFresh(pool: PoolQuoteState, epoch: bigint): boolean {
    return pool.lastUpdateEpoch === epoch;
}

export function reserveFreeLamports(pool: PoolQuoteState, reserveBalance: bigint): bigint {
    return saturatingSub(reserveBalance, pool.reserveRentLamports);
}

export function reserveLiquidLamports(pool: PoolQuoteState, reserveBalance: bigint): bigint {
    return saturatingSub(reserveFreeLamports(pool, reserveBalance), pool.owedLamports);
}

export function poolBufferTargetLamports(pool: PoolQuoteState): bigint {
    return asProgramError(() => bufferTargetLamports(pool.totalLamports, pool.reserveBufferBps));
}

export function instantCurvePosition(pool: PoolQuoteState, reserveBalance: bigint): bigint {
    return saturatingSub(reserveLiquidLamports(pool, reserveBalance), pool.instantFeesRetainedLamports);
}

export function dilutionYield(pool: PoolQuoteState, epochSlots: bigint): EpochYield {
    return asProgramError(() =>
        scaledYield(
            {
                netRewardsLamports: saturatingSub(pool.lastRewardsLamports, pool.lastFeeLamports),
                baseLamports: pool.previousTotalLamports,
            },
            pool.lastRewardsSlots,
            epochSlots,
        ),
    );
}

/** `Pool::require_value`: deposits need a pool whose LST is worth something (no SOL under
 *  management for a positive supply is a total loss). */
export function hasValue(pool: PoolQuoteState): boolean {
    return pool.totalLamports > 0n || pool.lstSupply === 0n;
}

/** `Pool::quote_deposit_sol`: PoolHasNoValue after a total loss. */
export function quoteDepositSol(pool: PoolQuoteState, lamports: bigint, epoch: bigint, epochSlots: bigint): DepositQuote {
    if (!hasValue(pool)) throw new QuoteError('PoolHasNoValue');
    const y = dilutionYield(pool, epochSlots);
    return asProgramError(() =>
        mathQuoteDeposit(lamports, pool.totalLamports, pool.lstSupply, feesAt(pool, epoch).depositBps, y),
    );
}

/** `Pool::quote_delayed_exit`. */
export function quoteDelayedExit(pool: PoolQuoteState, lst: bigint, epoch: bigint): ExitQuote {
    return asProgramError(() => quoteExit(lst, pool.totalLamports, pool.lstSupply, feesAt(pool, epoch).delayedUnstakeBps));
}

/** `Pool::quote_instant_exit`: InsufficientLiquidity when the buffer cannot pay. */
export function poolQuoteInstantExit(pool: PoolQuoteState, lst: bigint, reserveBalance: bigint, epoch: bigint): InstantQuote {
    const fees = feesAt(pool, epoch);
    return asProgramError(
        () =>
            mathQuoteInstantExit(
                lst,
                pool.totalLamports,
                pool.lstSupply,
                reserveLiquidLamports(pool, reserveBalance),
                instantCurvePosition(pool, reserveBalance),
                pool.instantCurveTargetLamports,
                fees.instantUnstakeMinBps,
                fees.instantUnstakeMaxBps,
                fees.treasuryShareBps,
            ),
        (e) => (e.at === 'instant_exit_liquidity' ? 'InsufficientLiquidity' : 'MathOverflow'),
    );
}

/** `Pool::book_instant_exit`: the pool after an instant exit, and the LST minted to the treasury. */
export function bookInstantExit<P extends PoolQuoteState>(pool: P, lst: bigint, quote: InstantQuote): { pool: P; treasuryLst: bigint } {
    return asProgramError(() => {
        const total = checkedSub(pool.totalLamports, quote.lamportsOut, 'instant_total');
        const supply = checkedSub(pool.lstSupply, lst, 'instant_supply');
        const treasuryLst = feeLstFor(quote.treasuryFeeLamports, total, supply);
        return {
            pool: {
                ...pool,
                totalLamports: total,
                // `supply + treasury_lst` is unchecked in the program (overflow checks panic): refused there.
                lstSupply: u64(supply + treasuryLst, 'instant_supply'),
                instantFeesRetainedLamports: saturatingAdd(pool.instantFeesRetainedLamports, quote.feeLamports),
            },
            treasuryLst,
        };
    });
}

/** `Pool::book_ticket`. */
export function bookTicket<P extends PoolQuoteState>(pool: P, lst: bigint, owed: bigint): P {
    return asProgramError(() => ({
        ...pool,
        totalLamports: checkedSub(pool.totalLamports, owed, 'ticket_total'),
        lstSupply: checkedSub(pool.lstSupply, lst, 'ticket_supply'),
        owedLamports: checkedAdd(pool.owedLamports, owed, 'owed'),
    }));
}

export interface UnstakeQuote {
    /** LST exited instantly, and its quote (none when nothing goes instantly). */
    instantLst: bigint;
    instant: InstantQuote | null;
    /** LST that becomes a ticket, and its quote. */
    ticketLst: bigint;
    ticket: ExitQuote | null;
    /** SOL paid now (what `min_instant_lamports_out` bounds). */
    instantLamportsOut: bigint;
    /** SOL paid now plus SOL the ticket will owe (what `min_lamports_out` bounds). */
    totalLamportsOut: bigint;
}

/** The one-call `unstake` (instructions/user/unstake.rs), after its freshness and zero checks;
 *  the instant part is `Pool::quote_unstake_instant_part` (none while instant exits are paused or
 *  the pool holds no SOL). */
export function quoteUnstake(
    pool: PoolQuoteState,
    lstAmount: bigint,
    maxFeeBps: number,
    reserveBalance: bigint,
    epoch: bigint,
): UnstakeQuote {
    const fees = feesAt(pool, epoch);
    let instantLst = 0n;
    if ((pool.paused & PAUSED_INSTANT_EXITS) === 0 && pool.totalLamports !== 0n) {
        const maxValue = maxInstantValue(
            instantCurvePosition(pool, reserveBalance),
            pool.instantCurveTargetLamports,
            fees.instantUnstakeMinBps,
            fees.instantUnstakeMaxBps,
            maxFeeBps,
        );
        const lst = asProgramError(() => lstForDeposit(maxValue, pool.totalLamports, pool.lstSupply));
        instantLst = lst < lstAmount ? lst : lstAmount;
    }
    let instant: InstantQuote | null = null;
    if (instantLst > 0n) {
        const q = poolQuoteInstantExit(pool, instantLst, reserveBalance, epoch);
        instant = q.lamportsOut > 0n ? q : null;
    }
    if (!instant) instantLst = 0n;
    const after = instant ? bookInstantExit(pool, instantLst, instant).pool : pool;
    const ticketLst = lstAmount - instantLst;
    let ticket: ExitQuote | null = null;
    if (ticketLst > 0n) {
        ticket = quoteDelayedExit(after, ticketLst, epoch);
        if (ticket.lamportsOut === 0n) throw new QuoteError('ExitTooSmall');
    }
    const instantLamportsOut = instant?.lamportsOut ?? 0n;
    return {
        instantLst,
        instant,
        ticketLst,
        ticket,
        instantLamportsOut,
        totalLamportsOut: instantLamportsOut + (ticket?.lamportsOut ?? 0n),
    };
}

/** `withdraw_stake`'s quote and its size check (the validator-side checks need the stake account). */
export function quoteWithdrawStake(pool: PoolQuoteState, lst: bigint, epoch: bigint): ExitQuote {
    const q = asProgramError(() => quoteExit(lst, pool.totalLamports, pool.lstSupply, feesAt(pool, epoch).stakeWithdrawalBps));
    if (q.lamportsOut < IDL_CONSTANTS.MIN_STAKE_DELEGATION_LAMPORTS) throw new QuoteError('StakeWithdrawalTooSmall');
    return q;
}

// ---------------------------------------------------------------------------------------------
// The instructions' own checks, in the program's order: what the app refuses before sending.

function requireFresh(pool: PoolQuoteState, epoch: bigint) {
    if (!isFresh(pool, epoch)) throw new QuoteError('PoolStale');
}

function requireOpen(pool: PoolQuoteState, epoch: bigint, flow: number) {
    requireFresh(pool, epoch);
    if ((pool.paused & flow) !== 0) {
        throw new QuoteError(
            flow === PAUSED_DEPOSITS ? 'DepositsPaused' : flow === PAUSED_INSTANT_EXITS ? 'InstantExitsPaused' : 'RebalancingPaused',
        );
    }
}

function requirePositive(amount: bigint) {
    if (amount <= 0n) throw new QuoteError('ZeroAmount');
}

/** deposit_sol.rs */
export function checkDepositSol(pool: PoolQuoteState, lamports: bigint, epoch: bigint, epochSlots: bigint): DepositQuote {
    requireOpen(pool, epoch, PAUSED_DEPOSITS);
    requirePositive(lamports);
    const q = quoteDepositSol(pool, lamports, epoch, epochSlots);
    if (q.lstOut === 0n) throw new QuoteError('DepositTooSmall');
    // `Pool::book_deposit`, after the handler's size checks (the slippage bound is the caller's).
    asProgramError(() => {
        checkedAdd(pool.totalLamports, lamports, 'deposit_total');
        checkedAdd(pool.lstSupply, q.lstOut, 'deposit_supply');
    });
    return q;
}

/** instant_unstake.rs */
export function checkInstantUnstake(pool: PoolQuoteState, lst: bigint, reserveBalance: bigint, epoch: bigint): InstantQuote {
    requireOpen(pool, epoch, PAUSED_INSTANT_EXITS);
    requirePositive(lst);
    const q = poolQuoteInstantExit(pool, lst, reserveBalance, epoch);
    if (q.lamportsOut === 0n) throw new QuoteError('ExitTooSmall');
    return q;
}

/** order_unstake.rs */
export function checkOrderUnstake(pool: PoolQuoteState, lst: bigint, epoch: bigint): ExitQuote {
    requireFresh(pool, epoch);
    requirePositive(lst);
    const q = quoteDelayedExit(pool, lst, epoch);
    if (q.lamportsOut === 0n) throw new QuoteError('ExitTooSmall');
    return q;
}

/** unstake.rs */
export function checkUnstake(pool: PoolQuoteState, lst: bigint, maxFeeBps: number, reserveBalance: bigint, epoch: bigint): UnstakeQuote {
    requireFresh(pool, epoch);
    requirePositive(lst);
    return quoteUnstake(pool, lst, maxFeeBps, reserveBalance, epoch);
}

/** withdraw_stake.rs, up to the checks that need the validator's stake account. */
export function checkWithdrawStake(pool: PoolQuoteState, lst: bigint, epoch: bigint): ExitQuote {
    requireOpen(pool, epoch, PAUSED_INSTANT_EXITS);
    requirePositive(lst);
    return quoteWithdrawStake(pool, lst, epoch);
}

/** `sdk::quote::with_slippage`: `lamports` less `slippageBps` of it, rounded against the caller
 *  (the least a client accepts: `min_lst_out`, `min_lamports_out`, `min_instant_lamports_out`). */
export function withSlippage(amount: bigint, slippageBps: number): bigint {
    const bps = BigInt(Math.min(Math.max(Math.trunc(slippageBps), 0), 10_000));
    return amount - divCeil(amount * bps, 10_000n);
}

/** `sdk::quote::ticket_claimable`. */
export function ticketClaimable(
    pool: PoolQuoteState,
    ticket: { claimableEpoch: bigint; lamports: bigint },
    reserveBalance: bigint,
    epoch: bigint,
): boolean {
    return epoch >= ticket.claimableEpoch && reserveFreeLamports(pool, reserveBalance) >= ticket.lamports;
}
