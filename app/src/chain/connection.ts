import { createSolanaRpc, createSolanaRpcSubscriptions } from '@solana/kit';

export type Rpc = ReturnType<typeof createSolanaRpc>;
export type RpcSubscriptions = ReturnType<typeof createSolanaRpcSubscriptions>;

export interface Connection {
    rpc: Rpc;
    rpcSubscriptions: RpcSubscriptions;
    rpcUrl: string;
    wsUrl: string;
}

export function connect(rpcUrl: string, wsUrl: string): Connection {
    return { rpc: createSolanaRpc(rpcUrl), rpcSubscriptions: createSolanaRpcSubscriptions(wsUrl), rpcUrl, wsUrl };
}

/** Genesis hashes of the public clusters; any other chain is taken to be a local one. */
export const GENESIS: Record<string, 'mainnet-beta' | 'devnet' | 'testnet'> = {
    '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d': 'mainnet-beta',
    EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG: 'devnet',
    '4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY': 'testnet',
};

export function clusterOfGenesis(hash: string): 'mainnet-beta' | 'devnet' | 'testnet' | 'localnet' {
    return GENESIS[hash] ?? 'localnet';
}
