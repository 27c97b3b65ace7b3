import { useEffect, useState } from 'react';

import { initialSettings, loadConfigFile, saveSettings, type ConfigFile, type Settings } from './config';
import { ChainProvider, useChain } from './chain/store';
import { useWallets } from './chain/wallet';
import { formatAmount, rateText, shortAddress } from './format';
import { isFresh } from './math';
import { SettingsPage } from './pages/Settings';
import { StakePage } from './pages/Stake';
import { StatsPage } from './pages/Stats';
import { TicketsPage } from './pages/Tickets';
import { UnstakePage } from './pages/Unstake';
import { ValidatorsPage } from './pages/Validators';

const PAGES = ['stake', 'unstake', 'tickets', 'stats', 'validators', 'settings'] as const;
type Page = (typeof PAGES)[number];
const TITLES: Record<Page, string> = {
    stake: 'Stake',
    unstake: 'Unstake',
    tickets: 'My tickets',
    stats: 'Pool stats',
    validators: 'Validators',
    settings: 'Settings',
};

function pageFromHash(): Page {
    const h = location.hash.replace(/^#\/?/, '') as Page;
    return PAGES.includes(h) ? h : 'stake';
}

export function App() {
    const [config, setConfig] = useState<ConfigFile | null | undefined>(undefined);
    const [settings, setSettings] = useState<Settings | null>(null);
    useEffect(() => {
        void loadConfigFile().then((c) => {
            setConfig(c);
            setSettings(initialSettings(c));
        });
    }, []);
    if (!settings || config === undefined) return <div className="loading">Loading…</div>;
    return (
        <ChainProvider settings={settings} key={`${settings.rpcUrl}|${settings.wsUrl}|${settings.pool}`}>
            <Shell
                settings={settings}
                onSave={(s) => {
                    saveSettings(s, config);
                    setSettings(s);
                }}
            />
        </ChainProvider>
    );
}

function Shell({ settings, onSave }: { settings: Settings; onSave: (s: Settings) => void }) {
    const [page, setPage] = useState<Page>(pageFromHash);
    useEffect(() => {
        const on = () => setPage(pageFromHash());
        window.addEventListener('hashchange', on);
        return () => window.removeEventListener('hashchange', on);
    }, []);
    const c = useChain();
    return (
        <div className="app">
            <header className="top">
                <div className="brand">
                    <span className="logo">◎</span> Liquid staking
                </div>
                <NetworkBadge />
                <WalletArea />
            </header>
            <nav className="tabs">
                {PAGES.map((p) => (
                    <a key={p} href={`#/${p}`} className={p === page ? 'active' : ''} data-testid={`nav-${p}`}>
                        {TITLES[p]}
                    </a>
                ))}
            </nav>
            {c.wrongNetwork && (
                <div className="banner error" data-testid="banner-wrong-network">
                    Wrong network: the wallet account is for {c.account?.chains.join(', ')}, the app is connected to {c.chain}. Switch networks before
                    sending anything.
                </div>
            )}
            {c.rpcError && <div className="banner error">{c.rpcError}</div>}
            {c.poolError && page !== 'settings' && (
                <div className="banner warn" data-testid="banner-pool">
                    Pool: {c.poolError}. <a href="#/settings">Settings</a>
                </div>
            )}
            {c.walletError && <div className="banner warn">{c.walletError}</div>}
            <main>
                {page === 'stake' && <StakePage />}
                {page === 'unstake' && <UnstakePage />}
                {page === 'tickets' && <TicketsPage />}
                {page === 'stats' && <StatsPage />}
                {page === 'validators' && <ValidatorsPage />}
                {page === 'settings' && <SettingsPage settings={settings} onSave={onSave} />}
            </main>
            <footer className="foot small">
                RPC {settings.rpcUrl} · pool <span className="mono">{settings.pool ? shortAddress(settings.pool) : 'not set'}</span>
            </footer>
        </div>
    );
}

function NetworkBadge() {
    const c = useChain();
    const fresh = c.pool && c.epoch !== null ? isFresh(c.pool, c.epoch) : null;
    const progress = c.slotIndex !== null && c.epochSlots ? Number(c.slotIndex) / Number(c.epochSlots) : 0;
    return (
        <div className="network" data-testid="network">
            <span className={`dot ${c.rpcError ? 'bad' : c.genesisHash ? 'ok' : ''}`} /> {c.cluster ?? '…'}
            <span className="epoch" data-testid="epoch">
                epoch {c.epoch !== null ? String(c.epoch) : '…'}
                <span className="epoch-bar">
                    <span style={{ width: `${(progress * 100).toFixed(0)}%` }} />
                </span>
            </span>
            {c.pool && (
                <span className={`pill ${fresh ? 'ok' : 'warn'}`} data-testid="pool-fresh" data-fresh={fresh ? 'yes' : 'no'}>
                    {fresh ? `rate ${rateText(c.pool.totalLamports, c.pool.lstSupply)}` : 'pool stale'}
                </span>
            )}
        </div>
    );
}

function WalletArea() {
    const c = useChain();
    const wallets = useWallets();
    const [open, setOpen] = useState(false);
    if (c.account) {
        return (
            <div className="wallet" data-testid="wallet-connected" data-address={c.account.address}>
                <span className="balances">
                    <span data-testid="balance-sol">{c.solBalance !== null ? formatAmount(c.solBalance) : '…'} SOL</span>
                    <span data-testid="balance-lst">{c.lstBalance !== null ? formatAmount(c.lstBalance) : '0'} LST</span>
                </span>
                <button className="addr" title={c.account.address} onClick={() => void c.disconnect()} data-testid="wallet-disconnect">
                    {c.wallet?.icon && <img src={c.wallet.icon} alt="" />}
                    {shortAddress(c.account.address)} ✕
                </button>
            </div>
        );
    }
    return (
        <div className="wallet">
            <button className="primary" data-testid="wallet-connect" onClick={() => setOpen((o) => !o)}>
                Connect wallet
            </button>
            {open && (
                <div className="wallet-menu" data-testid="wallet-menu">
                    {wallets.length === 0 && <div className="small">No Solana wallet found. Install one that supports the Wallet Standard (Phantom, Solflare, Backpack…).</div>}
                    {wallets.map((w) => (
                        <button
                            key={w.name}
                            data-testid={`wallet-option-${w.name}`}
                            onClick={() => {
                                setOpen(false);
                                void c.connectTo(w);
                            }}
                        >
                            {w.icon && <img src={w.icon} alt="" />} {w.name}
                        </button>
                    ))}
                </div>
            )}
        </div>
    );
}
