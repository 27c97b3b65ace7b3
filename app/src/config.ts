// Settings: the RPC endpoint (a preset or custom) and the pool, from (highest first) the URL query
// (?rpc=...&ws=...&pool=...), what the user saved in this browser, /config.json (served next to the
// app; the local chain's run command writes it, see README.md), and the localnet preset.

export type Preset = 'localnet' | 'devnet' | 'mainnet-beta' | 'custom';

export interface Settings {
    preset: Preset;
    rpcUrl: string;
    wsUrl: string;
    pool: string;
    /** Slippage tolerance on min_lst_out / min_lamports_out, in basis points. */
    slippageBps: number;
}

/** The shape of /config.json (every field optional). */
export interface ConfigFile {
    /** JSON-RPC URL, e.g. http://127.0.0.1:8899 */
    rpcUrl?: string;
    /** PubSub WebSocket URL, e.g. ws://127.0.0.1:8900 (default: rpcUrl's port + 1, ws scheme) */
    wsUrl?: string;
    /** The pool account's address */
    pool?: string;
    /** Which preset these URLs are ("localnet" unless told) */
    cluster?: Preset;
    /** The program id (informational: the generated client holds the program address) */
    programId?: string;
    /** The pool's LST mint (informational: read from the pool account) */
    lstMint?: string;
}

export const PRESETS: Record<Exclude<Preset, 'custom'>, { rpcUrl: string; wsUrl: string }> = {
    localnet: { rpcUrl: 'http://127.0.0.1:8899', wsUrl: 'ws://127.0.0.1:8900' },
    devnet: { rpcUrl: 'https://api.devnet.solana.com', wsUrl: 'wss://api.devnet.solana.com' },
    'mainnet-beta': { rpcUrl: 'https://api.mainnet-beta.solana.com', wsUrl: 'wss://api.mainnet-beta.solana.com' },
};

const STORAGE_KEY = 'liquid-staking.settings.v1';

/** The PubSub URL a validator serves next to its JSON-RPC one (port + 1). */
export function defaultWsUrl(rpcUrl: string): string {
    try {
        const u = new URL(rpcUrl);
        u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
        if (u.port) u.port = String(Number(u.port) + 1);
        return u.toString().replace(/\/$/, '');
    } catch {
        return rpcUrl;
    }
}

export async function loadConfigFile(): Promise<ConfigFile | null> {
    try {
        const res = await fetch('./config.json', { cache: 'no-store' });
        if (!res.ok) return null;
        const json = (await res.json()) as ConfigFile;
        return typeof json === 'object' && json ? json : null;
    } catch {
        return null;
    }
}

interface Stored {
    settings: Settings;
    /** The config.json the user's choice was made over: a new one (a new local chain) wins. */
    configStamp: string;
}

export function initialSettings(config: ConfigFile | null): Settings {
    const stamp = JSON.stringify(config ?? null);
    let settings: Settings = {
        preset: 'localnet',
        ...PRESETS.localnet,
        pool: '',
        slippageBps: 50,
    };
    if (config) {
        const rpcUrl = config.rpcUrl ?? PRESETS.localnet.rpcUrl;
        settings = {
            ...settings,
            preset: config.cluster ?? (config.rpcUrl ? 'custom' : 'localnet'),
            rpcUrl,
            wsUrl: config.wsUrl ?? defaultWsUrl(rpcUrl),
            pool: config.pool ?? '',
        };
    }
    try {
        const raw = localStorage.getItem(STORAGE_KEY);
        if (raw) {
            const stored = JSON.parse(raw) as Stored;
            if (stored.configStamp === stamp) settings = { ...settings, ...stored.settings };
        }
    } catch {
        /* ignore */
    }
    const q = new URLSearchParams(location.search);
    if (q.get('rpc')) {
        settings = { ...settings, preset: 'custom', rpcUrl: q.get('rpc')!, wsUrl: q.get('ws') ?? defaultWsUrl(q.get('rpc')!) };
    }
    if (q.get('pool')) settings = { ...settings, pool: q.get('pool')! };
    return settings;
}

export function saveSettings(settings: Settings, config: ConfigFile | null) {
    const stored: Stored = { settings, configStamp: JSON.stringify(config ?? null) };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
}
