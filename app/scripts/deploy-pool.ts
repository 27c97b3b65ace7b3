// Creates and configures a pool on a cluster (migrations/deploy.ts runs it: what `anchor migrate`
// runs after `anchor deploy`, calling the default export with its provider), and a command:
//
//   app/node_modules/.bin/tsx migrations/deploy.ts --url http://127.0.0.1:8899 --keypair ~/.config/solana/id.json \
//       [--ws ws://127.0.0.1:8900] [--validator VOTE]... [--reserve-buffer-bps 1000] [--reward-fee-bps 500] [--out pool.json]
//
// Steps, each one transaction, all through the client generated from the checked-in IDL
// (app/src/generated): the validator list account (1.44 MB; funded, allocated and assigned by the
// payer, as the SDK's `initialize_pool`: not `create_account`, which fails when anyone has sent
// lamports to the address first) with `initialize_pool` (1 SOL initial deposit, locked forever); a deposit funding every validator's
// stake account (rent + 1 SOL each); `add_validator` for every vote account given (default: every
// vote account of the cluster), four a transaction. The payer becomes admin, operator, pause
// guardian and treasury authority (hand the roles over with the CLI's `set-roles`). Prints the pool's
// addresses as one JSON line (and writes them to --out).
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import {
    address,
    appendTransactionMessageInstructions,
    createKeyPairSignerFromBytes,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
    createTransactionMessage,
    generateKeyPairSigner,
    getSignatureFromTransaction,
    pipe,
    sendAndConfirmTransactionFactory,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
    type Address,
    type Instruction,
    type KeyPairSigner,
} from '@solana/kit';
import { getAllocateInstruction, getAssignInstruction, getTransferSolInstruction } from '@solana-program/system';
import { findAssociatedTokenPda, getCreateAssociatedTokenIdempotentInstruction, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import {
    findPoolPda,
    findRatePda,
    findReservePda,
    findValidatorStakePda,
    getAddValidatorInstruction,
    getDepositSolInstruction,
    getInitializePoolInstructionAsync,
    getValidatorListSize,
    LIQUID_STAKING_PROGRAM_ADDRESS,
} from '../src/generated/index.ts';
import { IDL_CONSTANTS } from '../src/generated/idlExtras.ts';

const SOL = 1_000_000_000n;

export interface DeployOptions {
    url: string;
    wsUrl?: string;
    payer: KeyPairSigner;
    /** Vote accounts to add (default: every vote account of the cluster). */
    validators?: Address[];
    reserveBufferBps?: number;
    rewardFeeBps?: number;
    log?: (line: string) => void;
}

export interface DeployedPool {
    pool: Address;
    lstMint: Address;
    validatorList: Address;
    reserve: Address;
    rate: Address;
    validators: Address[];
}

export async function deployPool(o: DeployOptions): Promise<DeployedPool> {
    const log = o.log ?? ((line: string) => console.error(line));
    const rpc = createSolanaRpc(o.url);
    const wsUrl = o.wsUrl ?? o.url.replace(/^http/, 'ws').replace(/:(\d+)(\/?)$/, (_, port, slash) => `:${Number(port) + 1}${slash}`);
    const rpcSubscriptions = createSolanaRpcSubscriptions(wsUrl);
    const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
    const payer = o.payer;
    const send = async (what: string, instructions: Instruction[]) => {
        const { value: blockhash } = await rpc.getLatestBlockhash({ commitment: 'confirmed' }).send();
        const message = pipe(
            createTransactionMessage({ version: 0 }),
            (m) => setTransactionMessageFeePayerSigner(payer, m),
            (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
            (m) => appendTransactionMessageInstructions(instructions, m),
        );
        const tx = await signTransactionMessageWithSigners(message);
        await sendAndConfirm(tx as Parameters<typeof sendAndConfirm>[0], { commitment: 'confirmed' });
        log(`deploy: ${what}: ${getSignatureFromTransaction(tx)}`);
    };

    const reserveBufferBps = o.reserveBufferBps ?? 1000;
    const { MIN_RESERVE_BUFFER_BPS, MAX_RESERVE_BUFFER_BPS } = IDL_CONSTANTS;
    if (!Number.isInteger(reserveBufferBps) || reserveBufferBps < MIN_RESERVE_BUFFER_BPS || reserveBufferBps > MAX_RESERVE_BUFFER_BPS) {
        // The program refuses it (ReserveBufferTooLow / ReserveBufferTooHigh): say so before paying anything.
        throw new Error(`--reserve-buffer-bps ${reserveBufferBps}: the reserve buffer must be ${MIN_RESERVE_BUFFER_BPS}..${MAX_RESERVE_BUFFER_BPS} bps`);
    }

    let validators = o.validators;
    if (!validators) {
        const votes = await rpc.getVoteAccounts({ commitment: 'confirmed' }).send();
        validators = [...votes.current, ...votes.delinquent].map((v) => v.votePubkey);
    }
    const lstMint = await generateKeyPairSigner();
    const list = await generateKeyPairSigner();
    const [pool] = await findPoolPda({ lstMint: lstMint.address });
    const [reserve] = await findReservePda({ pool });
    const [rate] = await findRatePda({ pool });
    const [lockedLst] = await findAssociatedTokenPda({ owner: pool, mint: lstMint.address, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    const space = getValidatorListSize();
    const listRent = await rpc.getMinimumBalanceForRentExemption(BigInt(space)).send();

    await send('validator list + initialize_pool', [
        getTransferSolInstruction({ source: payer, destination: list.address, amount: listRent }),
        getAllocateInstruction({ newAccount: list, space }),
        getAssignInstruction({ account: list, programAddress: LIQUID_STAKING_PROGRAM_ADDRESS }),
        await getInitializePoolInstructionAsync({
            payer,
            lstMint,
            validatorList: list.address,
            admin: payer.address,
            operator: payer.address,
            pauseGuardian: payer.address,
            treasuryAuthority: payer.address,
            lockedLst,
            fees: {
                rewardBps: o.rewardFeeBps ?? 500,
                depositBps: 0,
                delayedUnstakeBps: 0,
                stakeWithdrawalBps: 10,
                instantUnstakeMinBps: 10,
                instantUnstakeMaxBps: 300,
                treasuryShareBps: 5000,
            },
            reserveBufferBps,
            initialDepositLamports: SOL,
        }),
    ]);

    if (validators.length > 0) {
        // Every stake account add_validator creates takes rent + 1 SOL from the reserve.
        const lamports = BigInt(validators.length) * (SOL + 3_000_000n) + SOL;
        const [payerLst] = await findAssociatedTokenPda({ owner: payer.address, mint: lstMint.address, tokenProgram: TOKEN_PROGRAM_ADDRESS });
        await send(`deposit of ${Number(lamports) / 1e9} SOL for the validators' stake accounts`, [
            getCreateAssociatedTokenIdempotentInstruction({ payer, owner: payer.address, mint: lstMint.address, ata: payerLst }),
            getDepositSolInstruction({ depositor: payer, pool, lstMint: lstMint.address, recipientLst: payerLst, reserve, lamports, minLstOut: 0n }),
        ]);
    }
    for (let i = 0; i < validators.length; i += 4) {
        const batch = validators.slice(i, i + 4);
        const adds = await Promise.all(
            batch.map(async (voteAccount) => {
                const [validatorStake] = await findValidatorStakePda({ pool, voteAccount });
                return getAddValidatorInstruction({ operator: payer, pool, validatorList: list.address, reserve, voteAccount, validatorStake, weight: 1 });
            }),
        );
        await send(`add_validator ${i + 1}-${i + batch.length} of ${validators.length}`, adds);
    }
    return { pool, lstMint: lstMint.address, validatorList: list.address, reserve, rate, validators };
}

/** `anchor migrate`: the provider's cluster and wallet. */
export default async function (provider: { connection: { rpcEndpoint: string }; wallet: { payer: { secretKey: Uint8Array } } }) {
    const payer = await createKeyPairSignerFromBytes(provider.wallet.payer.secretKey);
    const deployed = await deployPool({ url: provider.connection.rpcEndpoint, payer });
    console.log(JSON.stringify(deployed));
}

function flag(args: string[], name: string): string | undefined {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
}

/** The command line of migrations/deploy.ts. */
export async function main(args: string[]) {
    if (args.includes('--help') || args.includes('-h')) {
        const text = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
        console.log(text.slice(0, text.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'));
        return;
    }
    const url = flag(args, '--url') ?? 'http://127.0.0.1:8899';
    const keypairPath = (flag(args, '--keypair') ?? '~/.config/solana/id.json').replace(/^~/, homedir());
    const payer = await createKeyPairSignerFromBytes(new Uint8Array(JSON.parse(readFileSync(keypairPath, 'utf8'))));
    const validators = args.flatMap((a, i) => (a === '--validator' ? [address(args[i + 1])] : []));
    const deployed = await deployPool({
        url,
        wsUrl: flag(args, '--ws'),
        payer,
        validators: validators.length ? validators : undefined,
        reserveBufferBps: flag(args, '--reserve-buffer-bps') ? Number(flag(args, '--reserve-buffer-bps')) : undefined,
        rewardFeeBps: flag(args, '--reward-fee-bps') ? Number(flag(args, '--reward-fee-bps')) : undefined,
    });
    const json = JSON.stringify(deployed);
    const out = flag(args, '--out');
    if (out) writeFileSync(out, json + '\n');
    console.log(json);
    process.exit(0); // the subscriptions' socket would keep the process alive
}
