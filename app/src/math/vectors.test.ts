// Compares every vector of app/test-vectors/quotes.json (written from the program's Rust math by
// crates/sdk/examples/quote_vectors.rs; format: app/test-vectors/quotes.schema.md) with the
// TypeScript port. Fails, never skips, when the file is missing.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import type { Fees } from '../generated';
import * as m from './index';

const VECTORS = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-vectors/quotes.json');
const GENERATE = 'run: cargo run -p liquid-staking-sdk --example quote_vectors';

type Json = string | { [k: string]: Json };
type Args = Record<string, Json>;
interface Vector {
    name: string;
    fn: string;
    args: Args;
    ok?: Json;
    err?: string;
}

const big = (a: Args, k: string): bigint => {
    const v = a[k];
    if (typeof v !== 'string') throw new Error(`arg ${k} missing`);
    return BigInt(v);
};
const num = (a: Args, k: string): number => Number(big(a, k));
const str = (v: bigint | number): string => v.toString();

function fees(j: Json): Fees {
    const a = j as Args;
    return {
        rewardBps: num(a, 'reward_bps'),
        depositBps: num(a, 'deposit_bps'),
        delayedUnstakeBps: num(a, 'delayed_unstake_bps'),
        stakeWithdrawalBps: num(a, 'stake_withdrawal_bps'),
        instantUnstakeMinBps: num(a, 'instant_unstake_min_bps'),
        instantUnstakeMaxBps: num(a, 'instant_unstake_max_bps'),
        treasuryShareBps: num(a, 'treasury_share_bps'),
    };
}

function pool(j: Json): m.PoolQuoteState {
    const a = j as Args;
    return {
        paused: num(a, 'paused'),
        fees: fees(a.fees),
        pendingFees: fees(a.pending_fees),
        pendingFeesEpoch: big(a, 'pending_fees_epoch'),
        reserveBufferBps: num(a, 'reserve_buffer_bps'),
        totalLamports: big(a, 'total_lamports'),
        lstSupply: big(a, 'lst_supply'),
        lastUpdateEpoch: big(a, 'last_update_epoch'),
        owedLamports: big(a, 'owed_lamports'),
        reserveRentLamports: big(a, 'reserve_rent_lamports'),
        previousTotalLamports: big(a, 'previous_total_lamports'),
        lastRewardsLamports: big(a, 'last_rewards_lamports'),
        lastFeeLamports: big(a, 'last_fee_lamports'),
        lastRewardsSlots: big(a, 'last_rewards_slots'),
        instantFeesRetainedLamports: big(a, 'instant_fees_retained_lamports'),
        instantCurveTargetLamports: big(a, 'instant_curve_target_lamports'),
    };
}

const yieldOf = (a: Args): m.EpochYield => ({
    netRewardsLamports: big(a, 'net_rewards_lamports'),
    baseLamports: big(a, 'base_lamports'),
});
const depositJson = (q: m.DepositQuote) => ({ fee_lamports: str(q.feeLamports), lst_out: str(q.lstOut) });
const exitJson = (q: m.ExitQuote) => ({
    value_lamports: str(q.valueLamports),
    fee_lamports: str(q.feeLamports),
    lamports_out: str(q.lamportsOut),
});
const instantJson = (q: m.InstantQuote) => ({
    value_lamports: str(q.valueLamports),
    fee_bps: str(q.feeBps),
    fee_lamports: str(q.feeLamports),
    lamports_out: str(q.lamportsOut),
    treasury_fee_lamports: str(q.treasuryFeeLamports),
});

/** Each `fn` of the schema: computes `ok` from `args`, or throws (MathError / QuoteError). */
const FNS: Record<string, (a: Args) => Json> = {
    mul_div_floor: (a) => str(m.mulDivFloor(big(a, 'a'), big(a, 'b'), big(a, 'c'), 't')),
    mul_div_ceil: (a) => str(m.mulDivCeil(big(a, 'a'), big(a, 'b'), big(a, 'c'), 't')),
    lst_for_deposit: (a) => str(m.lstForDeposit(big(a, 'lamports'), big(a, 'total_lamports'), big(a, 'lst_supply'))),
    lamports_for_lst: (a) => str(m.lamportsForLst(big(a, 'lst'), big(a, 'total_lamports'), big(a, 'lst_supply'))),
    fee_lamports: (a) => str(m.feeLamports(big(a, 'lamports'), num(a, 'bps'))),
    dilution_fee_lamports: (a) => str(m.dilutionFeeLamports(big(a, 'lamports'), yieldOf(a))),
    yield_scaled: (a) => {
        const y = m.scaledYield(yieldOf(a), big(a, 'from_slots'), big(a, 'to_slots'));
        return { net_rewards_lamports: str(y.netRewardsLamports), base_lamports: str(y.baseLamports) };
    },
    quote_deposit: (a) =>
        depositJson(m.quoteDeposit(big(a, 'lamports'), big(a, 'total_lamports'), big(a, 'lst_supply'), num(a, 'deposit_bps'), yieldOf(a))),
    quote_stake_deposit: (a) =>
        depositJson(
            m.quoteStakeDeposit(
                big(a, 'delegated'),
                big(a, 'undelegated'),
                big(a, 'total_lamports'),
                big(a, 'lst_supply'),
                num(a, 'deposit_bps'),
                yieldOf(a),
            ),
        ),
    quote_exit: (a) => exitJson(m.quoteExit(big(a, 'lst'), big(a, 'total_lamports'), big(a, 'lst_supply'), num(a, 'fee_bps'))),
    settle_epoch: (a) => {
        const r = m.settleEpoch(big(a, 'previous_total_lamports'), big(a, 'observed_total_lamports'), big(a, 'lst_supply'), num(a, 'reward_fee_bps'));
        return {
            rewards_lamports: str(r.rewardsLamports),
            loss_lamports: str(r.lossLamports),
            fee_lamports: str(r.feeLamports),
            fee_lst: str(r.feeLst),
            new_total_lamports: str(r.newTotalLamports),
            new_lst_supply: str(r.newLstSupply),
        };
    },
    fee_lst_for: (a) => str(m.feeLstFor(big(a, 'fee_lamports'), big(a, 'total_lamports'), big(a, 'lst_supply'))),
    rate_scaled: (a) => str(m.rateScaled(big(a, 'total_lamports'), big(a, 'lst_supply'))),
    buffer_target_lamports: (a) => str(m.bufferTargetLamports(big(a, 'total_lamports'), num(a, 'buffer_bps'))),
    instant_fee_bps: (a) => str(m.instantFeeBps(big(a, 'position'), big(a, 'buffer_target'), num(a, 'min_bps'), num(a, 'max_bps'))),
    instant_exit_fee_lamports: (a) =>
        str(m.instantExitFeeLamports(big(a, 'value'), big(a, 'position'), big(a, 'buffer_target'), num(a, 'min_bps'), num(a, 'max_bps'))),
    max_instant_value: (a) =>
        str(m.maxInstantValue(big(a, 'position'), big(a, 'buffer_target'), num(a, 'min_bps'), num(a, 'max_bps'), num(a, 'max_fee_bps'))),
    quote_instant_exit: (a) =>
        instantJson(
            m.quoteInstantExit(
                big(a, 'lst'),
                big(a, 'total_lamports'),
                big(a, 'lst_supply'),
                big(a, 'liquid_lamports'),
                big(a, 'position'),
                big(a, 'buffer_target'),
                num(a, 'min_bps'),
                num(a, 'max_bps'),
                num(a, 'treasury_share_bps'),
            ),
        ),
    pool_quote_deposit_sol: (a) => depositJson(m.quoteDepositSol(pool(a.pool), big(a, 'lamports'), big(a, 'epoch'), big(a, 'epoch_slots'))),
    pool_quote_delayed_exit: (a) => exitJson(m.quoteDelayedExit(pool(a.pool), big(a, 'lst'), big(a, 'epoch'))),
    pool_quote_instant_exit: (a) => instantJson(m.poolQuoteInstantExit(pool(a.pool), big(a, 'lst'), big(a, 'reserve_balance'), big(a, 'epoch'))),
    pool_book_instant_exit: (a) => {
        const p = pool(a.pool);
        const q = m.poolQuoteInstantExit(p, big(a, 'lst'), big(a, 'reserve_balance'), big(a, 'epoch'));
        const { pool: after, treasuryLst } = m.bookInstantExit(p, big(a, 'lst'), q);
        return {
            total_lamports: str(after.totalLamports),
            lst_supply: str(after.lstSupply),
            instant_fees_retained_lamports: str(after.instantFeesRetainedLamports),
            treasury_lst: str(treasuryLst),
        };
    },
    pool_quote_unstake: (a) => {
        const q = m.quoteUnstake(pool(a.pool), big(a, 'lst'), num(a, 'max_fee_bps'), big(a, 'reserve_balance'), big(a, 'epoch'));
        return {
            instant_lst: str(q.instantLst),
            instant_lamports_out: str(q.instant?.lamportsOut ?? 0n),
            instant_fee_lamports: str(q.instant?.feeLamports ?? 0n),
            treasury_fee_lamports: str(q.instant?.treasuryFeeLamports ?? 0n),
            ticket_lst: str(q.ticketLst),
            ticket_lamports: str(q.ticket?.lamportsOut ?? 0n),
            ticket_fee_lamports: str(q.ticket?.feeLamports ?? 0n),
            total_lamports_out: str(q.totalLamportsOut),
        };
    },
    pool_quote_withdraw_stake: (a) => exitJson(m.quoteWithdrawStake(pool(a.pool), big(a, 'lst'), big(a, 'epoch'))),
    pool_reserve: (a) => {
        const p = pool(a.pool);
        const r = big(a, 'reserve_balance');
        let buffer: string;
        try {
            buffer = str(m.poolBufferTargetLamports(p));
        } catch (e) {
            buffer = `err:${(e as m.QuoteError).code}`;
        }
        return {
            free_lamports: str(m.reserveFreeLamports(p, r)),
            liquid_lamports: str(m.reserveLiquidLamports(p, r)),
            curve_position: str(m.instantCurvePosition(p, r)),
            buffer_target_lamports: buffer,
        };
    },
};

function run(v: Vector): { ok?: Json; err?: string } {
    const f = FNS[v.fn];
    if (!f) throw new Error(`unknown fn ${v.fn}: add it to FNS (and to quotes.schema.md)`);
    try {
        return { ok: f(v.args) };
    } catch (e) {
        if (e instanceof m.MathError) return { err: e.at };
        if (e instanceof m.QuoteError) return { err: e.code };
        throw e;
    }
}

describe('shared quote vectors (Rust = TypeScript)', () => {
    it('app/test-vectors/quotes.json exists', () => {
        expect(existsSync(VECTORS), `app/test-vectors/quotes.json is missing; ${GENERATE}`).toBe(true);
    });

    it('every vector agrees', () => {
        if (!existsSync(VECTORS)) throw new Error(`no vectors to compare; ${GENERATE}`);
        const file = JSON.parse(readFileSync(VECTORS, 'utf8')) as { schema: string; vectors: Vector[] };
        expect(file.schema).toBe('1');
        expect(file.vectors.length).toBeGreaterThan(1000);
        const failures: string[] = [];
        const seen = new Set<string>();
        for (const [i, v] of file.vectors.entries()) {
            seen.add(v.fn);
            const got = run(v);
            const want = v.err !== undefined ? { err: v.err } : { ok: v.ok };
            if (JSON.stringify(got) !== JSON.stringify(want)) {
                failures.push(`#${i} ${v.fn} (${v.name}) ${JSON.stringify(v.args)}\n    rust: ${JSON.stringify(want)}\n    ts:   ${JSON.stringify(got)}`);
            }
        }
        expect(failures.slice(0, 20).join('\n'), `${failures.length} of ${file.vectors.length} vectors differ`).toBe('');
        for (const f of Object.keys(FNS)) expect(seen.has(f), `no vector for ${f}`).toBe(true);
    });
});
