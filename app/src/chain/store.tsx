// The app's view of the chain: cluster, epoch, the pool, the reserve, the connected wallet's SOL,
// LST and tickets. Everything refreshes from subscriptions (slotNotifications for the epoch,
// accountNotifications for accounts, programNotifications for tickets), never from polling loops.
import { address, getBase64Encoder, type Address, type Base64EncodedBytes } from '@solana/kit';
import { getTokenDecoder } from '@solana-program/token';
import type { Wallet, WalletAccount } from '@wallet-standard/base';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { getPoolDecoder, getTicketDecoder, type Pool, type Ticket } from '../generated';
import type { Settings } from '../config';
import { clusterOfGenesis, connect, type Connection } from './connection';
import { epochOfSlot, slotsInEpoch, type EpochSchedule } from './epoch';
import { lstAccountOf, poolKeys, PROGRAM, ticketFilters, type PoolKeys } from './protocol';
import { chainOfCluster, connectWallet, disconnectWallet, onWalletChange } from './wallet';

export interface TicketView {
    address: Address;
    ticket: Ticket;
}

export interface ChainState {
    conn: Connection;
    settings: Settings;
    cluster: string | null;
    genesisHash: string | null;
    rpcError: string | null;
    schedule: EpochSchedule | null;
    slot: bigint | null;
    epoch: bigint | null;
    slotIndex: bigint | null;
    epochSlots: bigint | null;
    /** Measured seconds per slot (getRecentPerformanceSamples), for time estimates. */
    slotSeconds: number;
    poolAddress: Address | null;
    pool: Pool | null;
    poolError: string | null;
    keys: PoolKeys | null;
    reserveLamports: bigint | null;
    wallet: Wallet | null;
    account: WalletAccount | null;
    /** The wallet's chain for the RPC's cluster (e.g. solana:localnet). */
    chain: string | null;
    wrongNetwork: boolean;
    solBalance: bigint | null;
    lstAccount: Address | null;
    lstBalance: bigint | null;
    lstAccountExists: boolean;
    tickets: TicketView[];
    refreshTickets: () => void;
    connectTo: (w: Wallet) => Promise<void>;
    disconnect: () => Promise<void>;
    walletError: string | null;
}

const Ctx = createContext<ChainState | null>(null);

export function useChain(): ChainState {
    const c = useContext(Ctx);
    if (!c) throw new Error('useChain outside ChainProvider');
    return c;
}

const b64 = getBase64Encoder();

/** Initial read, then accountNotifications; resubscribes (after a pause) if the socket drops. */
function useAccount(
    conn: Connection,
    addr: Address | null,
    onAccount: (a: { lamports: bigint; data: Uint8Array; owner: string } | null) => void,
) {
    const cb = useRef(onAccount);
    cb.current = onAccount;
    useEffect(() => {
        if (!addr) return;
        const abort = new AbortController();
        let stopped = false;
        const run = async () => {
            while (!stopped) {
                try {
                    const notifications = await conn.rpcSubscriptions
                        .accountNotifications(addr, { commitment: 'confirmed', encoding: 'base64' })
                        .subscribe({ abortSignal: abort.signal });
                    const { value } = await conn.rpc.getAccountInfo(addr, { commitment: 'confirmed', encoding: 'base64' }).send();
                    cb.current(value ? { lamports: value.lamports, data: new Uint8Array(b64.encode(value.data[0])), owner: value.owner } : null);
                    for await (const n of notifications) {
                        const v = n.value;
                        cb.current(
                            v && v.lamports > 0n
                                ? { lamports: v.lamports, data: new Uint8Array(b64.encode((v.data as [Base64EncodedBytes, string])[0])), owner: v.owner }
                                : null,
                        );
                    }
                } catch {
                    /* socket closed or RPC error: resubscribe below */
                }
                if (stopped) return;
                await new Promise((r) => setTimeout(r, 3_000));
            }
        };
        void run();
        return () => {
            stopped = true;
            abort.abort();
        };
    }, [conn, addr]);
}

export function ChainProvider({ settings, children }: { settings: Settings; children: ReactNode }) {
    const conn = useMemo(() => connect(settings.rpcUrl, settings.wsUrl), [settings.rpcUrl, settings.wsUrl]);
    const [genesisHash, setGenesisHash] = useState<string | null>(null);
    const [rpcError, setRpcError] = useState<string | null>(null);
    const [schedule, setSchedule] = useState<EpochSchedule | null>(null);
    const [slot, setSlot] = useState<bigint | null>(null);
    const [slotSeconds, setSlotSeconds] = useState(0.4);
    const poolAddress = useMemo(() => {
        try {
            return settings.pool ? address(settings.pool) : null;
        } catch {
            return null;
        }
    }, [settings.pool]);
    const [pool, setPool] = useState<Pool | null>(null);
    const [poolError, setPoolError] = useState<string | null>(null);
    const [keys, setKeys] = useState<PoolKeys | null>(null);
    const [reserveLamports, setReserveLamports] = useState<bigint | null>(null);
    const [wallet, setWallet] = useState<Wallet | null>(null);
    const [account, setAccount] = useState<WalletAccount | null>(null);
    const [walletError, setWalletError] = useState<string | null>(null);
    const [solBalance, setSolBalance] = useState<bigint | null>(null);
    const [lstAccount, setLstAccount] = useState<Address | null>(null);
    const [lstBalance, setLstBalance] = useState<bigint | null>(null);
    const [lstAccountExists, setLstAccountExists] = useState(false);
    const [tickets, setTickets] = useState<TicketView[]>([]);
    const [ticketsNonce, setTicketsNonce] = useState(0);

    // Cluster identity, epoch schedule, slot time.
    useEffect(() => {
        let live = true;
        setGenesisHash(null);
        setSchedule(null);
        setRpcError(null);
        (async () => {
            try {
                const [g, s, perf] = await Promise.all([
                    conn.rpc.getGenesisHash().send(),
                    conn.rpc.getEpochSchedule().send(),
                    conn.rpc.getRecentPerformanceSamples(5).send().catch(() => []),
                ]);
                if (!live) return;
                setGenesisHash(g);
                setSchedule(s as EpochSchedule);
                const samples = perf as { numSlots: bigint; samplePeriodSecs: number }[];
                const slots = samples.reduce((a, p) => a + Number(p.numSlots), 0);
                const secs = samples.reduce((a, p) => a + p.samplePeriodSecs, 0);
                if (slots > 0) setSlotSeconds(secs / slots);
            } catch (e) {
                if (live) setRpcError(`Cannot reach ${conn.rpcUrl}: ${(e as Error).message}`);
            }
        })();
        return () => {
            live = false;
        };
    }, [conn]);

    // The slot (and so the epoch) from slotNotifications; state changes every 4 slots or at a new epoch.
    useEffect(() => {
        if (!schedule) return;
        const abort = new AbortController();
        let stopped = false;
        let shown: bigint | null = null;
        const run = async () => {
            while (!stopped) {
                try {
                    const notifications = await conn.rpcSubscriptions.slotNotifications().subscribe({ abortSignal: abort.signal });
                    const first = await conn.rpc.getSlot({ commitment: 'confirmed' }).send();
                    shown = first;
                    setSlot(first);
                    for await (const n of notifications) {
                        const s = n.slot;
                        if (shown === null || s - shown >= 4n || epochOfSlot(schedule, s)[0] !== epochOfSlot(schedule, shown)[0]) {
                            shown = s;
                            setSlot(s);
                        }
                    }
                } catch {
                    /* resubscribe */
                }
                if (stopped) return;
                await new Promise((r) => setTimeout(r, 3_000));
            }
        };
        void run();
        return () => {
            stopped = true;
            abort.abort();
        };
    }, [conn, schedule]);

    // The pool account.
    useEffect(() => {
        setPool(null);
        setKeys(null);
        setPoolError(poolAddress ? null : settings.pool ? 'Not a valid address' : 'No pool address set (Settings)');
    }, [poolAddress, settings.pool, conn]);
    useAccount(conn, poolAddress, (a) => {
        if (!a) return setPoolError('No account at the pool address on this cluster');
        if (a.owner !== PROGRAM) return setPoolError('The pool address is not an account of the liquid-staking program');
        try {
            setPool(getPoolDecoder().decode(a.data));
            setPoolError(null);
        } catch (e) {
            setPoolError(`Cannot decode the pool: ${(e as Error).message}`);
        }
    });
    useEffect(() => {
        if (!pool || !poolAddress) return;
        let live = true;
        void poolKeys(poolAddress, pool).then((k) => {
            if (live) setKeys((old) => (old && old.reserve === k.reserve && old.lstMint === k.lstMint ? old : k));
        });
        return () => {
            live = false;
        };
    }, [pool, poolAddress]);
    useAccount(conn, keys?.reserve ?? null, (a) => setReserveLamports(a?.lamports ?? 0n));

    // The wallet.
    const owner = account ? (account.address as Address) : null;
    useAccount(conn, owner, (a) => setSolBalance(a?.lamports ?? 0n));
    useEffect(() => {
        setLstAccount(null);
        if (!owner || !keys) return;
        let live = true;
        void lstAccountOf(owner, keys.lstMint).then((a) => live && setLstAccount(a));
        return () => {
            live = false;
        };
    }, [owner, keys]);
    useAccount(conn, lstAccount, (a) => {
        if (!a) {
            setLstAccountExists(false);
            setLstBalance(0n);
            return;
        }
        setLstAccountExists(true);
        try {
            setLstBalance(getTokenDecoder().decode(a.data).amount);
        } catch {
            setLstBalance(0n);
        }
    });

    // Tickets: getProgramAccounts, refreshed by programNotifications on the same filters.
    const refreshTickets = useCallback(() => setTicketsNonce((n) => n + 1), []);
    useEffect(() => {
        setTickets([]);
        if (!owner || !poolAddress) return;
        let live = true;
        const filters = ticketFilters(owner);
        const load = async () => {
            const list = await conn.rpc
                .getProgramAccounts(PROGRAM, { encoding: 'base64', commitment: 'confirmed', filters })
                .send();
            if (!live) return;
            const decoded = list
                .map((r) => ({ address: r.pubkey, ticket: getTicketDecoder().decode(b64.encode(r.account.data[0])) }))
                .filter((t) => t.ticket.pool === poolAddress)
                .sort((a, b) => Number(a.ticket.createdEpoch - b.ticket.createdEpoch));
            setTickets(decoded);
        };
        const abort = new AbortController();
        void load().catch(() => {});
        void (async () => {
            try {
                const notifications = await conn.rpcSubscriptions
                    .programNotifications(PROGRAM, { encoding: 'base64', commitment: 'confirmed', filters })
                    .subscribe({ abortSignal: abort.signal });
                for await (const _ of notifications) {
                    void _;
                    await load().catch(() => {});
                }
            } catch {
                /* closed */
            }
        })();
        return () => {
            live = false;
            abort.abort();
        };
    }, [conn, owner, poolAddress, ticketsNonce]);

    // Wallet account changes (the wallet switched accounts, or disconnected).
    useEffect(() => {
        if (!wallet) return;
        return onWalletChange(wallet, (accounts) => setAccount(accounts[0] ?? null));
    }, [wallet]);

    const connectTo = useCallback(async (w: Wallet) => {
        setWalletError(null);
        try {
            const a = await connectWallet(w);
            if (!a) throw new Error('The wallet shared no account');
            setWallet(w);
            setAccount(a);
        } catch (e) {
            const msg = (e as Error).message ?? String(e);
            setWalletError(/reject|denied|cancel/i.test(msg) ? 'You rejected the connection request.' : `Could not connect: ${msg}`);
        }
    }, []);
    const disconnect = useCallback(async () => {
        if (wallet) await disconnectWallet(wallet).catch(() => {});
        setWallet(null);
        setAccount(null);
        setSolBalance(null);
        setLstBalance(null);
    }, [wallet]);

    const cluster = genesisHash ? clusterOfGenesis(genesisHash) : null;
    const chain = cluster ? chainOfCluster(cluster) : null;
    const wrongNetwork = !!(account && wallet && chain && !(account.chains.length ? account.chains : wallet.chains).includes(chain as never));
    const [epoch, slotIndex] = schedule && slot !== null ? epochOfSlot(schedule, slot) : [null, null];
    const epochSlots = schedule && epoch !== null ? slotsInEpoch(schedule, epoch) : null;

    const value: ChainState = {
        conn,
        settings,
        cluster,
        genesisHash,
        rpcError,
        schedule,
        slot,
        epoch,
        slotIndex,
        epochSlots,
        slotSeconds,
        poolAddress,
        pool,
        poolError,
        keys,
        reserveLamports,
        wallet,
        account,
        chain,
        wrongNetwork,
        solBalance,
        lstAccount,
        lstBalance,
        lstAccountExists,
        tickets,
        refreshTickets,
        connectTo,
        disconnect,
        walletError,
    };
    return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
