// The program's own unit tests of src/math/*.rs, ported, plus its properties over a seeded spread.
import { describe, expect, it } from 'vitest';

import * as m from './index';

const y = (net: bigint, base: bigint): m.EpochYield => ({ netRewardsLamports: net, baseLamports: base });

describe('mod.rs', () => {
    it('mul_div rounds as named', () => {
        expect(m.mulDivFloor(10n, 10n, 3n, 't')).toBe(33n);
        expect(m.mulDivCeil(10n, 10n, 3n, 't')).toBe(34n);
        expect(m.mulDivCeil(10n, 9n, 3n, 't')).toBe(30n);
        expect(m.mulDivFloor(m.U64_MAX, m.U64_MAX, m.U64_MAX, 't')).toBe(m.U64_MAX);
    });
    it('reports where it failed', () => {
        expect(() => m.mulDivFloor(1n, 1n, 0n, 'here')).toThrow(new m.MathError('here'));
        expect(() => m.mulDivFloor(m.U64_MAX, 2n, 1n, 'big')).toThrow(new m.MathError('big'));
        expect(() => m.checkedAdd(m.U64_MAX, 1n, 'add')).toThrow(new m.MathError('add'));
        expect(() => m.checkedSub(0n, 1n, 'sub')).toThrow(new m.MathError('sub'));
    });
});

describe('rate.rs', () => {
    it('first deposit is one to one; deposits round down', () => {
        expect(m.lstForDeposit(5n, 0n, 0n)).toBe(5n);
        expect(m.lstForDeposit(10n, 3n, 2n)).toBe(6n);
    });
    it('a pool with supply and no SOL mints nothing', () => {
        expect(() => m.lstForDeposit(5n, 0n, 10n)).toThrow(new m.MathError('lst_for_deposit_no_value'));
    });
    it('settlement example', () => {
        const s = m.settleEpoch(100_000_000_000n, 101_000_000_000n, 100_000_000_000n, 1_000);
        expect(s.rewardsLamports).toBe(1_000_000_000n);
        expect(s.feeLamports).toBe(100_000_000n);
        expect(s.feeLst).toBe(99_108_027n);
        expect(s.newLstSupply).toBe(100_099_108_027n);
    });
    it('dilution fee follows the last yield and is capped', () => {
        const four = y(4n, 10_000n);
        expect(m.dilutionFeeLamports(1_000_000n, four)).toBe(400n);
        expect(m.dilutionFeeLamports(1n, four)).toBe(1n);
        expect(m.dilutionFeeLamports(1_000_000n, y(1_000n, 10_000n))).toBe(5_000n);
        expect(m.dilutionFeeLamports(1_000_000n, m.NO_YIELD)).toBe(0n);
        expect(m.quoteDeposit(1_000_000n, 1_000n, 1_000n, 10, four).feeLamports).toBe(1_000n);
    });
    it('yield scales with the epoch length, rounded up', () => {
        const t = y(10n, 1_000n);
        expect(m.scaledYield(t, 64n, 128n).netRewardsLamports).toBe(20n);
        expect(m.scaledYield(t, 3n, 1n).netRewardsLamports).toBe(4n);
        expect(m.scaledYield(t, 0n, 128n)).toEqual(t);
    });
    it('stake deposit charges the undelegated part like a SOL deposit', () => {
        const f = y(40n, 10_000n);
        expect(m.quoteStakeDeposit(1_000_000n, 0n, 1n, 1n, 0, f).feeLamports).toBe(0n);
        expect(m.quoteStakeDeposit(1_000_000n, 1_000_000n, 1n, 1n, 0, f).feeLamports).toBe(m.dilutionFeeLamports(1_000_000n, f));
        expect(m.quoteStakeDeposit(1_000_000n, 1_000_000n, 1n, 1n, 10, f).feeLamports).toBe(5_000n);
    });
    it('a loss takes no fee', () => {
        const s = m.settleEpoch(100n, 90n, 100n, 1_000);
        expect([s.rewardsLamports, s.lossLamports, s.feeLst]).toEqual([0n, 10n, 0n]);
    });
});

describe('instant.rs', () => {
    it('curve endpoints', () => {
        expect(m.instantFeeBps(100n, 100n, 10, 300)).toBe(10);
        expect(m.instantFeeBps(500n, 100n, 10, 300)).toBe(10);
        expect(m.instantFeeBps(0n, 100n, 10, 300)).toBe(300);
        expect(m.instantFeeBps(50n, 100n, 10, 300)).toBe(155);
        expect(m.instantFeeBps(1n, 3n, 10, 300)).toBe(204);
    });
    it('an exit the reserve cannot pay is refused', () => {
        expect(() => m.quoteInstantExit(1_000n, 1_000n, 1_000n, 500n, 500n, 100n, 10, 300, 0)).toThrow(new m.MathError('instant_exit_liquidity'));
    });
    it('fee is the area under the curve', () => {
        expect(m.instantExitFeeLamports(1_000_000n, 3_000_000n, 1_000_000n, 10, 310)).toBe(1_000n);
        expect(m.instantExitFeeLamports(1_000_000n, 1_000_000n, 1_000_000n, 10, 310)).toBe(16_000n);
        expect(m.instantExitFeeLamports(1_000_000n, 0n, 1_000_000n, 10, 310)).toBe(31_000n);
        expect(m.instantExitFeeLamports(3_000_000n, 2_000_000n, 1_000_000n, 10, 310)).toBe(48_000n);
        expect(m.instantExitFeeLamports(1_000_000n, 500_000n, 1_000_000n, 50, 50)).toBe(5_000n);
        expect(m.instantExitFeeLamports(2_000n, 1_000n, 0n, 10, 300)).toBe(31n);
    });
    it('the linear fee rounds up', () => {
        expect(m.instantExitFeeLamports(1n, 1n, 3n, 10, 300)).toBe(1n);
    });
});

describe('allocation.rs', () => {
    it('buffer rounds up', () => {
        expect(m.bufferTargetLamports(10_001n, 1_000)).toBe(1_001n);
        expect(m.bufferTargetLamports(10_000n, 1_000)).toBe(1_000n);
    });
});

// A seeded generator (splitmix64) for the properties the program's proptests state.
function rng(seed: bigint) {
    let s = seed;
    const next = () => {
        s = (s + 0x9e3779b97f4a7c15n) & m.U64_MAX;
        let z = s;
        z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & m.U64_MAX;
        z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & m.U64_MAX;
        return z ^ (z >> 31n);
    };
    return { next, below: (n: bigint) => (n === 0n ? 0n : next() % n), bits: (b: number) => (b === 0 ? 0n : next() >> BigInt(64 - b)) };
}

describe('properties (the program proptests)', () => {
    const r = rng(42n);
    const ratioGe = (a: bigint, b: bigint, c: bigint, d: bigint) => a * d >= c * b;

    it('deposits create no value and never lower the rate', () => {
        for (let i = 0; i < 2_000; i++) {
            const total = 1n + r.bits(60);
            const supply = 1n + r.bits(60);
            const lamports = 1n + r.bits(50);
            const minted = m.lstForDeposit(lamports, total, supply);
            if (supply + minted > m.U64_MAX) continue;
            const value = m.lamportsForLst(minted, total + lamports, supply + minted);
            expect(value <= lamports).toBe(true);
            expect(ratioGe(total + lamports, supply + minted, total, supply)).toBe(true);
        }
    });

    it('instant fee: monotonic, bounded, splitting never lowers it', () => {
        for (let i = 0; i < 2_000; i++) {
            const position = r.bits(50);
            const target = r.bits(48);
            const v1 = 1_000n + r.bits(40);
            const v2 = 1_000n + r.bits(40);
            const min = Number(r.below(1_001n));
            const max = Math.min(min + Number(r.below(1_001n)), 1_000);
            const whole = m.instantExitFeeLamports(v1 + v2, position, target, min, max);
            const first = m.instantExitFeeLamports(v1, position, target, min, max);
            const second = m.instantExitFeeLamports(v2, m.saturatingSub(position, v1), target, min, max);
            expect(first + second >= whole).toBe(true);
            expect(first + second <= whole + 6n).toBe(true);
            expect(m.instantFeeBps(position, target, min, max) >= min).toBe(true);
            expect(whole * 10_000n >= (v1 + v2) * BigInt(min)).toBe(true);
        }
    });

    it('the one-call fill respects the maximum fee', () => {
        for (let i = 0; i < 2_000; i++) {
            const liquid = r.bits(40);
            const target = 1n + r.bits(40);
            const min = Number(r.below(501n));
            const max = 500 + Number(r.below(501n));
            const cap = Number(r.below(1_001n));
            const x = m.maxInstantValue(liquid, target, min, max, cap);
            expect(x <= liquid).toBe(true);
            if (cap >= min && x > 0n) expect(m.instantFeeBps(liquid - x, target, min, max) <= cap).toBe(true);
        }
    });
});

describe('pool quotes', () => {
    const fees = {
        rewardBps: 500,
        depositBps: 0,
        delayedUnstakeBps: 10,
        stakeWithdrawalBps: 20,
        instantUnstakeMinBps: 10,
        instantUnstakeMaxBps: 300,
        treasuryShareBps: 5_000,
    };
    const pool: m.PoolQuoteState = {
        paused: 0,
        fees,
        pendingFees: fees,
        pendingFeesEpoch: m.U64_MAX,
        reserveBufferBps: 1_000,
        totalLamports: 100_000_000_000n,
        lstSupply: 99_000_000_000n,
        lastUpdateEpoch: 5n,
        owedLamports: 1_000_000_000n,
        reserveRentLamports: 890_880n,
        previousTotalLamports: 99_000_000_000n,
        lastRewardsLamports: 10_000_000n,
        lastFeeLamports: 500_000n,
        lastRewardsSlots: 64n,
        instantFeesRetainedLamports: 0n,
        instantCurveTargetLamports: 10_000_000_000n,
    };
    const reserve = 890_880n + 1_000_000_000n + 12_000_000_000n;

    it('refuses what the program refuses, by name', () => {
        expect(() => m.checkDepositSol(pool, 1n, 6n, 64n)).toThrow(expect.objectContaining({ code: 'PoolStale' }));
        expect(() => m.checkDepositSol({ ...pool, paused: m.PAUSED_DEPOSITS }, 1n, 5n, 64n)).toThrow(
            expect.objectContaining({ code: 'DepositsPaused' }),
        );
        expect(() => m.checkDepositSol(pool, 0n, 5n, 64n)).toThrow(expect.objectContaining({ code: 'ZeroAmount' }));
        expect(() => m.checkInstantUnstake({ ...pool, paused: m.PAUSED_INSTANT_EXITS }, 1n, reserve, 5n)).toThrow(
            expect.objectContaining({ code: 'InstantExitsPaused' }),
        );
        expect(() => m.checkInstantUnstake(pool, pool.lstSupply, reserve, 5n)).toThrow(expect.objectContaining({ code: 'InsufficientLiquidity' }));
        expect(() => m.checkWithdrawStake(pool, 1_000n, 5n)).toThrow(expect.objectContaining({ code: 'StakeWithdrawalTooSmall' }));
        // Delayed exits are never paused.
        expect(m.checkOrderUnstake({ ...pool, paused: 7 }, 1_000_000n, 5n).lamportsOut).toBeGreaterThan(0n);
    });

    it('a deposit pays the dilution fee scaled to the epoch', () => {
        const q = m.checkDepositSol(pool, 1_000_000_000n, 5n, 128n);
        // net 9.5M over 99 SOL, doubled for a 128-slot epoch: ceil(1e9 * 19e6 / 99e9) = 191920
        expect(q.feeLamports).toBe(191_920n);
        expect(q.lstOut).toBe(((1_000_000_000n - 191_920n) * pool.lstSupply) / pool.totalLamports);
    });

    it('one call: instant up to the fee cap, the rest as a ticket at the new rate', () => {
        const q = m.checkUnstake(pool, 20_000_000_000n, 100, reserve, 5n);
        expect(q.instantLst > 0n && q.ticketLst > 0n).toBe(true);
        expect(q.instantLst + q.ticketLst).toBe(20_000_000_000n);
        const end = m.instantCurvePosition(pool, reserve) - q.instant!.valueLamports;
        expect(m.instantFeeBps(end, pool.instantCurveTargetLamports, 10, 300) <= 100).toBe(true);
        const paused = m.checkUnstake({ ...pool, paused: m.PAUSED_INSTANT_EXITS }, 20_000_000_000n, 100, reserve, 5n);
        expect(paused.instantLst).toBe(0n);
        expect(paused.ticket!.lamportsOut).toBe(m.quoteDelayedExit(pool, 20_000_000_000n, 5n).lamportsOut);
    });

    it('a pool with no value refuses deposits and pays no instant part', () => {
        const lost = { ...pool, totalLamports: 0n };
        expect(() => m.checkDepositSol(lost, 1_000_000_000n, 5n, 64n)).toThrow(expect.objectContaining({ code: 'PoolHasNoValue' }));
        expect(m.hasValue({ ...lost, lstSupply: 0n })).toBe(true);
        // No instant part is tried; the ticket part is worth nothing.
        expect(() => m.checkUnstake(lost, 1_000n, 300, reserve, 5n)).toThrow(expect.objectContaining({ code: 'ExitTooSmall' }));
    });

    it('the one-call quote names its instant part (what min_instant_lamports_out bounds)', () => {
        const q = m.checkUnstake(pool, 20_000_000_000n, 100, reserve, 5n);
        expect(q.instantLamportsOut).toBe(q.instant!.lamportsOut);
        expect(q.totalLamportsOut).toBe(q.instantLamportsOut + q.ticket!.lamportsOut);
    });

    it('slippage is taken as sdk::quote::with_slippage, against the caller', () => {
        expect(m.withSlippage(10_000n, 50)).toBe(9_950n);
        expect(m.withSlippage(199n, 50)).toBe(198n); // 199 - ceil(0.995)
        expect(m.withSlippage(1n, 1)).toBe(0n);
        expect(m.withSlippage(1_000n, 0)).toBe(1_000n);
        expect(m.withSlippage(1_000n, 20_000)).toBe(0n);
    });

    it('pending fees apply from their epoch', () => {
        const p = { ...pool, pendingFees: { ...fees, delayedUnstakeBps: 50 }, pendingFeesEpoch: 7n };
        expect(m.feesAt(p, 6n).delayedUnstakeBps).toBe(10);
        expect(m.feesAt(p, 7n).delayedUnstakeBps).toBe(50);
    });
});
