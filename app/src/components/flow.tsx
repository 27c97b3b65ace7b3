// One user action: checks (nothing is sent when one fails), the wallet, the result, all shown in
// one status box.
import type { Instruction, KeyPairSigner, Signature } from '@solana/kit';
import { useState } from 'react';

import { explain, UserFacingError } from '../chain/errors';
import { sendWithWallet } from '../chain/send';
import { useChain, type ChainState } from '../chain/store';

export type FlowState =
    | { phase: 'idle' }
    | { phase: 'busy'; status: string }
    | { phase: 'done'; signature: Signature; message: string }
    | { phase: 'error'; kind: string; message: string };

/** Checks shared by every flow: a wallet, on the RPC's network, and a loaded pool. */
export function requireReady(c: ChainState): asserts c is ChainState & { account: NonNullable<ChainState['account']> } {
    if (!c.wallet || !c.account) throw new UserFacingError('no-wallet', 'Connect a wallet first. Nothing was sent.');
    if (c.wrongNetwork) {
        throw new UserFacingError(
            'wrong-network',
            `Wrong network: your wallet's account is for ${c.account.chains.join(', ') || 'another network'}, but the app's RPC serves ${c.chain}. Switch the wallet's network (or the app's RPC in Settings). Nothing was sent.`,
        );
    }
    if (!c.pool || !c.keys) throw new UserFacingError('no-pool', c.poolError ?? 'The pool is not loaded yet.');
    if (c.epoch === null) throw new UserFacingError('no-epoch', 'Waiting for the cluster’s epoch…');
}

export function requireSol(c: ChainState, needed: bigint, what: string) {
    const have = c.solBalance ?? 0n;
    if (have < needed) {
        throw new UserFacingError(
            'insufficient',
            `Insufficient SOL: ${what} needs ${fmt(needed)} SOL (with fees and rent), the wallet has ${fmt(have)} SOL. Nothing was sent.`,
        );
    }
}

export function requireLst(c: ChainState, needed: bigint) {
    const have = c.lstBalance ?? 0n;
    if (have < needed) {
        throw new UserFacingError('insufficient', `Insufficient LST: you hold ${fmt(have)} LST, less than ${fmt(needed)}. Nothing was sent.`);
    }
}

function fmt(l: bigint) {
    const s = (l < 0n ? 0n : l).toString().padStart(10, '0');
    return `${s.slice(0, -9)}.${s.slice(-9)}`;
}

/** Fees of a transaction of `signatures` signatures (5,000 lamports each; no priority fee). */
export const txFee = (signatures = 1) => 5_000n * BigInt(signatures);

export function useFlow() {
    const c = useChain();
    const [state, setState] = useState<FlowState>({ phase: 'idle' });
    async function run(
        prepare: () => Promise<{ instructions: Instruction[]; extraSigners?: KeyPairSigner[]; done: (sig: Signature) => string }>,
    ) {
        setState({ phase: 'busy', status: 'Checking…' });
        try {
            requireReady(c);
            const p = await prepare();
            const sig = await sendWithWallet(
                { rpc: c.conn.rpc, rpcSubscriptions: c.conn.rpcSubscriptions, wallet: c.wallet!, account: c.account!, chain: c.chain! },
                p.instructions,
                { extraSigners: p.extraSigners, onStatus: (status) => setState({ phase: 'busy', status }) },
            );
            setState({ phase: 'done', signature: sig, message: p.done(sig) });
        } catch (e) {
            console.error(e);
            setState({ phase: 'error', ...explain(e) });
        }
    }
    return { state, run, reset: () => setState({ phase: 'idle' }) };
}

export function FlowStatus({ state }: { state: FlowState }) {
    if (state.phase === 'idle') return null;
    if (state.phase === 'busy') {
        return (
            <div className="status busy" data-testid="flow-status" data-phase="busy">
                <span className="spinner" /> {state.status}
            </div>
        );
    }
    if (state.phase === 'done') {
        return (
            <div className="status ok" data-testid="flow-status" data-phase="done" data-signature={state.signature}>
                ✓ {state.message}
                <div className="small mono">Signature {state.signature}</div>
            </div>
        );
    }
    return (
        <div className="status error" data-testid="flow-status" data-phase="error" data-kind={state.kind} role="alert">
            {state.message}
        </div>
    );
}
