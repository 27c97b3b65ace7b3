// Port of programs/liquid-staking/src/math/rate.rs: the exchange rate, deposit and exit quotes,
// epoch settlement. Same rounding: what a user or the treasury receives is rounded down.
import { IDL_CONSTANTS } from '../generated/idlExtras';
import { BPS_DENOMINATOR, MathError, checkedAdd, checkedSub, max, min, mulDivCeil, mulDivFloor, saturatingSub } from './core';

const MAX_DEPOSIT_FEE_BPS = BigInt(IDL_CONSTANTS.MAX_DEPOSIT_FEE_BPS);

/** LST minted for `lamports`, rounded down; an empty pool (no supply) mints one unit per
 *  lamport; a pool with supply but no SOL (a total loss) mints nothing (`lst_for_deposit_no_value`). */
export function lstForDeposit(lamports: bigint, totalLamports: bigint, lstSupply: bigint): bigint {
    if (lstSupply === 0n) return lamports;
    if (totalLamports === 0n) throw new MathError('lst_for_deposit_no_value');
    return mulDivFloor(lamports, lstSupply, totalLamports, 'lst_for_deposit');
}

/** A fee of `bps` on `lamports`, rounded up. */
export function feeLamports(lamports: bigint, bps: number | bigint): bigint {
    return mulDivCeil(lamports, BigInt(bps), BPS_DENOMINATOR, 'fee_lamports');
}

export interface DepositQuote {
    feeLamports: bigint;
    lstOut: bigint;
}

export interface EpochYield {
    netRewardsLamports: bigint;
    baseLamports: bigint;
}

export const NO_YIELD: EpochYield = { netRewardsLamports: 0n, baseLamports: 0n };

/** `EpochYield::scaled`: the yield over `fromSlots` carried over to an epoch of `toSlots`. */
export function scaledYield(y: EpochYield, fromSlots: bigint, toSlots: bigint): EpochYield {
    if (fromSlots === 0n || fromSlots === toSlots) return y;
    return {
        netRewardsLamports: mulDivCeil(y.netRewardsLamports, toSlots, fromSlots, 'yield_scaled'),
        baseLamports: y.baseLamports,
    };
}

export function dilutionFeeLamports(lamports: bigint, lastYield: EpochYield): bigint {
    if (lastYield.baseLamports === 0n || lastYield.netRewardsLamports === 0n) return 0n;
    const fee = mulDivCeil(lamports, lastYield.netRewardsLamports, lastYield.baseLamports, 'dilution_fee');
    return min(fee, feeLamports(lamports, MAX_DEPOSIT_FEE_BPS));
}

export function quoteDeposit(
    lamports: bigint,
    totalLamports: bigint,
    lstSupply: bigint,
    depositBps: number,
    lastYield: EpochYield,
): DepositQuote {
    const fee = max(feeLamports(lamports, depositBps), dilutionFeeLamports(lamports, lastYield));
    const lstOut = lstForDeposit(checkedSub(lamports, fee, 'deposit_fee'), totalLamports, lstSupply);
    return { feeLamports: fee, lstOut };
}

export function quoteStakeDeposit(
    delegated: bigint,
    undelegated: bigint,
    totalLamports: bigint,
    lstSupply: bigint,
    depositBps: number,
    lastYield: EpochYield,
): DepositQuote {
    const lamports = checkedAdd(delegated, undelegated, 'stake_deposit');
    const stakeFee = feeLamports(delegated, depositBps);
    const solFee = max(feeLamports(undelegated, depositBps), dilutionFeeLamports(undelegated, lastYield));
    const fee = checkedAdd(stakeFee, solFee, 'stake_deposit_fee');
    const lstOut = lstForDeposit(checkedSub(lamports, fee, 'stake_deposit_fee'), totalLamports, lstSupply);
    return { feeLamports: fee, lstOut };
}

export interface ExitQuote {
    valueLamports: bigint;
    feeLamports: bigint;
    lamportsOut: bigint;
}

export function lamportsForLst(lst: bigint, totalLamports: bigint, lstSupply: bigint): bigint {
    return mulDivFloor(lst, totalLamports, lstSupply, 'lamports_for_lst');
}

export function quoteExit(lst: bigint, totalLamports: bigint, lstSupply: bigint, feeBps: number): ExitQuote {
    const valueLamports = lamportsForLst(lst, totalLamports, lstSupply);
    const fee = feeLamports(valueLamports, feeBps);
    return { valueLamports, feeLamports: fee, lamportsOut: valueLamports - min(fee, valueLamports) };
}

export interface EpochSettlement {
    rewardsLamports: bigint;
    lossLamports: bigint;
    feeLamports: bigint;
    feeLst: bigint;
    newTotalLamports: bigint;
    newLstSupply: bigint;
}

export function feeLstFor(fee: bigint, totalLamports: bigint, lstSupply: bigint): bigint {
    if (fee === 0n || lstSupply === 0n) return 0n;
    const holders = checkedSub(totalLamports, fee, 'fee_lst');
    return mulDivFloor(fee, lstSupply, holders, 'fee_lst');
}

export function settleEpoch(
    previousTotalLamports: bigint,
    observedTotalLamports: bigint,
    lstSupply: bigint,
    rewardFeeBps: number,
): EpochSettlement {
    const rewardsLamports = saturatingSub(observedTotalLamports, previousTotalLamports);
    const lossLamports = saturatingSub(previousTotalLamports, observedTotalLamports);
    const fee = mulDivFloor(rewardsLamports, BigInt(rewardFeeBps), BPS_DENOMINATOR, 'reward_fee_lamports');
    const feeLst = feeLstFor(fee, observedTotalLamports, lstSupply);
    return {
        rewardsLamports,
        lossLamports,
        feeLamports: fee,
        feeLst,
        newTotalLamports: observedTotalLamports,
        newLstSupply: checkedAdd(lstSupply, feeLst, 'new_lst_supply'),
    };
}

/** Lamports per whole LST scaled by 10^9, rounded down (display only; u128 in the program). */
export function rateScaled(totalLamports: bigint, lstSupply: bigint): bigint {
    if (lstSupply === 0n) return 1_000_000_000n;
    return (totalLamports * 1_000_000_000n) / lstSupply;
}

export { MathError };
