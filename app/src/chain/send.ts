// One transaction through the wallet: build (v0), simulate (nothing is signed or sent when the
// program would refuse), have the wallet sign (solana:signTransaction, sent through the app's
// own RPC; or solana:signAndSendTransaction), confirm through a signature subscription.
import {
    appendTransactionMessageInstructions,
    compileTransaction,
    createTransactionMessage,
    getBase58Decoder,
    getBase64EncodedWireTransaction,
    getSignatureFromTransaction,
    getTransactionDecoder,
    getTransactionEncoder,
    partiallySignTransaction,
    pipe,
    sendAndConfirmTransactionFactory,
    setTransactionMessageFeePayer,
    setTransactionMessageLifetimeUsingBlockhash,
    type Instruction,
    type KeyPairSigner,
    type Signature,
} from '@solana/kit';
import type { Wallet, WalletAccount } from '@wallet-standard/base';

import type { Rpc, RpcSubscriptions } from './connection';
import { UserFacingError, findCustomCode, programError } from './errors';
import { SIGN_AND_SEND, SIGN_TRANSACTION, type SignAndSendFeature, type SignTransactionFeature } from './wallet';

export interface SendContext {
    rpc: Rpc;
    rpcSubscriptions: RpcSubscriptions;
    wallet: Wallet;
    account: WalletAccount;
    /** The Wallet Standard chain of the RPC's cluster (checked before this is called). */
    chain: string;
}

export interface SendOptions {
    /** Keypairs of accounts the transaction creates (e.g. a new stake account). */
    extraSigners?: KeyPairSigner[];
    onStatus?: (status: string) => void;
}

export async function sendWithWallet(ctx: SendContext, instructions: Instruction[], opts: SendOptions = {}): Promise<Signature> {
    const status = opts.onStatus ?? (() => {});
    status('Preparing the transaction…');
    const { value: lifetime } = await ctx.rpc.getLatestBlockhash({ commitment: 'confirmed' }).send();
    const message = pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayer(ctx.account.address as never, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
        (m) => appendTransactionMessageInstructions(instructions, m),
    );
    let tx = compileTransaction(message);
    if (opts.extraSigners?.length) tx = await partiallySignTransaction(opts.extraSigners.map((s) => s.keyPair), tx);

    // Simulate first: a refusal is reported and nothing is signed or sent.
    status('Checking the transaction (simulation)…');
    const sim = await ctx.rpc
        .simulateTransaction(getBase64EncodedWireTransaction(tx), {
            encoding: 'base64',
            sigVerify: false,
            replaceRecentBlockhash: true,
            commitment: 'confirmed',
        })
        .send();
    if (sim.value.err) throw simulationError(sim.value.err, sim.value.logs ?? []);

    const wire = new Uint8Array(getTransactionEncoder().encode(tx));
    status('Waiting for your approval in the wallet…');
    if (SIGN_TRANSACTION in ctx.wallet.features) {
        const feature = ctx.wallet.features[SIGN_TRANSACTION] as SignTransactionFeature;
        const [out] = await feature.signTransaction({ account: ctx.account, transaction: wire, chain: ctx.chain });
        const signed = getTransactionDecoder().decode(out.signedTransaction);
        status('Sending and confirming…');
        const sendAndConfirm = sendAndConfirmTransactionFactory({
            rpc: ctx.rpc as never,
            rpcSubscriptions: ctx.rpcSubscriptions as never,
        });
        const withLifetime = { ...signed, lifetimeConstraint: lifetime } as unknown as Parameters<typeof sendAndConfirm>[0];
        try {
            await sendAndConfirm(withLifetime, { commitment: 'confirmed' });
        } catch (e) {
            const code = findCustomCode(e);
            if (code !== undefined) throw e;
            throw new UserFacingError('send', `The transaction did not land: ${(e as Error).message}`);
        }
        return getSignatureFromTransaction(signed);
    }
    const feature = ctx.wallet.features[SIGN_AND_SEND] as SignAndSendFeature;
    const [out] = await feature.signAndSendTransaction({
        account: ctx.account,
        transaction: wire,
        chain: ctx.chain,
        options: { preflightCommitment: 'confirmed' },
    });
    const signature = getBase58Decoder().decode(out.signature) as Signature;
    status('Confirming…');
    await confirmSignature(ctx, signature, lifetime.lastValidBlockHeight);
    return signature;
}

async function confirmSignature(ctx: SendContext, signature: Signature, lastValidBlockHeight: bigint) {
    const abort = new AbortController();
    try {
        const notifications = await ctx.rpcSubscriptions
            .signatureNotifications(signature, { commitment: 'confirmed' })
            .subscribe({ abortSignal: abort.signal });
        const { value: statuses } = await ctx.rpc.getSignatureStatuses([signature]).send();
        const now = statuses[0];
        if (now && (now.confirmationStatus === 'confirmed' || now.confirmationStatus === 'finalized')) {
            if (now.err) throw simulationError(now.err, []);
            return;
        }
        const expiry = (async () => {
            for (;;) {
                await new Promise((r) => setTimeout(r, 5_000));
                const h = await ctx.rpc.getBlockHeight({ commitment: 'confirmed' }).send();
                if (h > lastValidBlockHeight) throw new UserFacingError('expired', 'The transaction expired before it landed.');
            }
        })();
        const landed = (async () => {
            for await (const n of notifications) {
                if (n.value.err) throw simulationError(n.value.err, []);
                return;
            }
        })();
        await Promise.race([landed, expiry]);
    } finally {
        abort.abort();
    }
}

function simulationError(err: unknown, logs: readonly string[]): Error {
    const code = findCustomCode(err);
    const known = code !== undefined ? programError(code) : undefined;
    if (known) {
        const e = new UserFacingError(known.name, known.message);
        (e as { logs?: readonly string[] }).logs = logs;
        return e;
    }
    const text = typeof err === 'string' ? err : JSON.stringify(err, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    if (/InsufficientFunds|insufficient lamports|"Custom":1\b/.test(text + logs.join('\n'))) {
        return new UserFacingError('insufficient', 'Insufficient SOL for this transaction and its fees. Nothing was sent.');
    }
    return new UserFacingError('simulation', `The transaction would fail (${text}). Nothing was sent.`);
}
