// Wallets through the Wallet Standard: every wallet that registers itself (Phantom, Solflare,
// Backpack, ... and the e2e test wallet) with standard:connect and a Solana signing feature.
import { getWallets } from '@wallet-standard/app';
import type { Wallet, WalletAccount } from '@wallet-standard/base';
import { useEffect, useState } from 'react';

export const CONNECT = 'standard:connect';
export const DISCONNECT = 'standard:disconnect';
export const EVENTS = 'standard:events';
export const SIGN_TRANSACTION = 'solana:signTransaction';
export const SIGN_AND_SEND = 'solana:signAndSendTransaction';

export function isSolanaWallet(w: Wallet): boolean {
    return (
        CONNECT in w.features &&
        (SIGN_TRANSACTION in w.features || SIGN_AND_SEND in w.features) &&
        w.chains.some((c) => c.startsWith('solana:'))
    );
}

/** The registered wallets, kept current as wallets register and unregister. */
export function useWallets(): readonly Wallet[] {
    const [wallets, setWallets] = useState<readonly Wallet[]>(() => getWallets().get().filter(isSolanaWallet));
    useEffect(() => {
        const api = getWallets();
        const update = () => setWallets(api.get().filter(isSolanaWallet));
        update();
        const offs = [api.on('register', update), api.on('unregister', update)];
        return () => offs.forEach((off) => off());
    }, []);
    return wallets;
}

type ConnectFeature = { connect(input?: { silent?: boolean }): Promise<{ accounts: readonly WalletAccount[] }> };
type DisconnectFeature = { disconnect(): Promise<void> };
type EventsFeature = { on(event: 'change', cb: (props: { accounts?: readonly WalletAccount[] }) => void): () => void };
export type SignTransactionFeature = {
    signTransaction(
        ...inputs: { account: WalletAccount; transaction: Uint8Array; chain?: string }[]
    ): Promise<readonly { signedTransaction: Uint8Array }[]>;
};
export type SignAndSendFeature = {
    signAndSendTransaction(
        ...inputs: { account: WalletAccount; transaction: Uint8Array; chain: string; options?: Record<string, unknown> }[]
    ): Promise<readonly { signature: Uint8Array }[]>;
};

export async function connectWallet(w: Wallet): Promise<WalletAccount | null> {
    const { accounts } = await (w.features[CONNECT] as ConnectFeature).connect();
    return accounts.find((a) => a.chains.some((c) => c.startsWith('solana:'))) ?? accounts[0] ?? null;
}

export async function disconnectWallet(w: Wallet): Promise<void> {
    const f = w.features[DISCONNECT] as DisconnectFeature | undefined;
    if (f) await f.disconnect();
}

export function onWalletChange(w: Wallet, cb: (accounts: readonly WalletAccount[]) => void): () => void {
    const f = w.features[EVENTS] as EventsFeature | undefined;
    if (!f) return () => {};
    return f.on('change', (p) => {
        if (p.accounts) cb(p.accounts);
    });
}

/** The Wallet Standard chain id of a cluster: solana:mainnet, solana:devnet, solana:testnet, solana:localnet. */
export function chainOfCluster(cluster: string): string {
    return cluster === 'mainnet-beta' ? 'solana:mainnet' : `solana:${cluster}`;
}

/** Wallet chains an account can sign for, on the cluster the RPC serves? */
export function accountSupportsChain(account: WalletAccount, wallet: Wallet, chain: string): boolean {
    const chains = account.chains.length ? account.chains : wallet.chains;
    return chains.includes(chain as `${string}:${string}`);
}
