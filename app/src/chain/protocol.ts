// Instructions of each flow, built with the generated client (no layout or seed written here).
import {
    AccountRole,
    createNoopSigner,
    generateKeyPairSigner,
    getBase58Decoder,
    type Address,
    type Base58EncodedBytes,
    type Instruction,
    type KeyPairSigner,
} from '@solana/kit';
import { getAllocateInstruction, getAssignInstruction, getTransferSolInstruction } from '@solana-program/system';
import { findAssociatedTokenPda, getCreateAssociatedTokenIdempotentInstruction, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { getAuthorizeInstructionDataEncoder, StakeAuthorize, STAKE_PROGRAM_ADDRESS } from '@solana-program/stake';

import {
    findReservePda,
    findTicketPda,
    findTransientStakePda,
    findValidatorStakePda,
    getClaimTicketInstruction,
    getDepositSolInstruction,
    getInstantUnstakeInstruction,
    getOrderUnstakeInstruction,
    getTicketDiscriminatorBytes,
    getUnstakeInstruction,
    getWithdrawStakeInstruction,
    LIQUID_STAKING_PROGRAM_ADDRESS,
    type Pool,
} from '../generated';

/** Bytes of a stake account (the Stake program's StakeStateV2 size; not in our IDL). */
export const STAKE_ACCOUNT_SPACE = 200n;

export interface PoolKeys {
    pool: Address;
    lstMint: Address;
    reserve: Address;
    treasury: Address;
    validatorList: Address;
}

export async function poolKeys(pool: Address, state: Pool): Promise<PoolKeys> {
    const [reserve] = await findReservePda({ pool });
    return { pool, lstMint: state.lstMint, reserve, treasury: state.treasury, validatorList: state.validatorList };
}

export async function lstAccountOf(owner: Address, mint: Address): Promise<Address> {
    const [ata] = await findAssociatedTokenPda({ owner, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    return ata;
}

/** A fresh ticket nonce (as the SDK's `new_ticket_nonce`: nanoseconds since the Unix epoch). */
export function newTicketNonce(): bigint {
    return BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
}

export async function depositSolInstructions(
    keys: PoolKeys,
    owner: Address,
    lamports: bigint,
    minLstOut: bigint,
    createLstAccount: boolean,
): Promise<Instruction[]> {
    const signer = createNoopSigner(owner);
    const recipientLst = await lstAccountOf(owner, keys.lstMint);
    const ixs: Instruction[] = [];
    if (createLstAccount) {
        ixs.push(
            getCreateAssociatedTokenIdempotentInstruction({ payer: signer, ata: recipientLst, owner, mint: keys.lstMint }),
        );
    }
    ixs.push(
        getDepositSolInstruction({
            depositor: signer,
            pool: keys.pool,
            lstMint: keys.lstMint,
            recipientLst,
            reserve: keys.reserve,
            lamports,
            minLstOut,
        }),
    );
    return ixs;
}

async function exitAccounts(keys: PoolKeys, owner: Address) {
    return {
        owner: createNoopSigner(owner),
        pool: keys.pool,
        lstMint: keys.lstMint,
        ownerLst: await lstAccountOf(owner, keys.lstMint),
        reserve: keys.reserve,
        treasury: keys.treasury,
    };
}

export async function instantUnstakeInstructions(keys: PoolKeys, owner: Address, lstAmount: bigint, minLamportsOut: bigint) {
    return [getInstantUnstakeInstruction({ ...(await exitAccounts(keys, owner)), lstAmount, minLamportsOut })];
}

export async function ticketAddress(keys: PoolKeys, owner: Address, nonce: bigint): Promise<Address> {
    const [ticket] = await findTicketPda({ pool: keys.pool, owner, nonce });
    return ticket;
}

export async function orderUnstakeInstructions(keys: PoolKeys, owner: Address, lstAmount: bigint, minLamportsOut: bigint, nonce: bigint) {
    const ticket = await ticketAddress(keys, owner, nonce);
    return [getOrderUnstakeInstruction({ ...(await exitAccounts(keys, owner)), ticket, lstAmount, minLamportsOut, ticketNonce: nonce })];
}

/** The one-call exit. `minLamportsOut` bounds what is paid now plus what the ticket owes;
 *  `minInstantLamportsOut` what is paid now (a buffer drained, or instant exits paused, between
 *  the quote and the transaction would otherwise turn the instant part into a ticket). */
export async function unstakeInstructions(
    keys: PoolKeys,
    owner: Address,
    lstAmount: bigint,
    maxFeeBps: number,
    minLamportsOut: bigint,
    minInstantLamportsOut: bigint,
    nonce: bigint,
) {
    const ticket = await ticketAddress(keys, owner, nonce);
    return [
        getUnstakeInstruction({
            ...(await exitAccounts(keys, owner)),
            ticket,
            lstAmount,
            maxFeeBps,
            minLamportsOut,
            minInstantLamportsOut,
            ticketNonce: nonce,
        }),
    ];
}

/** Three instructions, as the SDK's `withdraw_stake`: allocate the new stake account (the user
 *  pays its rent), split into it, then the user (now its withdrawer) makes itself its staker. */
export async function withdrawStakeInstructions(
    keys: PoolKeys,
    owner: Address,
    index: number,
    voteAccount: Address,
    lstAmount: bigint,
    minLamportsOut: bigint,
    stakeRentLamports: bigint,
): Promise<{ instructions: Instruction[]; newStake: KeyPairSigner }> {
    const newStake = await generateKeyPairSigner();
    const signer = createNoopSigner(owner);
    const [validatorStake] = await findValidatorStakePda({ pool: keys.pool, voteAccount });
    return {
        newStake,
        instructions: [
            // Fund, allocate, assign: not createAccount, which fails when someone sent lamports
            // to the new address after seeing the pending transaction.
            getTransferSolInstruction({ source: signer, destination: newStake.address, amount: stakeRentLamports }),
            getAllocateInstruction({ newAccount: newStake, space: STAKE_ACCOUNT_SPACE }),
            getAssignInstruction({ account: newStake, programAddress: STAKE_PROGRAM_ADDRESS }),
            getWithdrawStakeInstruction({
                ...(await exitAccounts(keys, owner)),
                validatorList: keys.validatorList,
                voteAccount,
                validatorStake,
                newStake,
                index,
                lstAmount,
                minLamportsOut,
            }),
            stakeAuthorizeStaker(newStake.address, owner),
        ],
    };
}

const SYSVAR_CLOCK = 'SysvarC1ock11111111111111111111111111111111' as Address;

/** Stake program `Authorize` (the new staker is `owner`, signed by `owner` as withdrawer). Built
 *  here with the stake client's data encoder because its instruction builder (0.9.1) leaves out
 *  the clock sysvar account, which the Stake program of agave 3.1 requires
 *  (stake, clock, authority), as solana-stake-interface's `authorize` lists them. */
function stakeAuthorizeStaker(stake: Address, owner: Address): Instruction {
    return {
        programAddress: STAKE_PROGRAM_ADDRESS,
        accounts: [
            { address: stake, role: AccountRole.WRITABLE },
            { address: SYSVAR_CLOCK, role: AccountRole.READONLY },
            { address: owner, role: AccountRole.READONLY_SIGNER },
        ],
        data: getAuthorizeInstructionDataEncoder().encode({ arg0: owner, arg1: StakeAuthorize.Staker }),
    };
}

export function claimTicketInstructions(keys: PoolKeys, owner: Address, ticket: Address) {
    return [getClaimTicketInstruction({ owner: createNoopSigner(owner), pool: keys.pool, reserve: keys.reserve, ticket })];
}

/** getProgramAccounts filters for one owner's tickets: the account discriminator at 0 and the
 *  owner right after it (the Ticket's first field). */
export function ticketFilters(owner: Address) {
    const disc = getTicketDiscriminatorBytes();
    return [
        { memcmp: { offset: 0n, bytes: getBase58Decoder().decode(disc) as Base58EncodedBytes, encoding: 'base58' as const } },
        { memcmp: { offset: BigInt(disc.length), bytes: owner as string as Base58EncodedBytes, encoding: 'base58' as const } },
    ];
}

export const PROGRAM = LIQUID_STAKING_PROGRAM_ADDRESS;

export async function transientStakeAddress(pool: Address, voteAccount: Address) {
    const [a] = await findTransientStakePda({ pool, voteAccount });
    return a;
}
