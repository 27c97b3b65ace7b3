import { useState } from 'react';

import { defaultWsUrl, PRESETS, type Preset, type Settings } from '../config';
import { useChain } from '../chain/store';
import { Card, Row } from '../components/common';

export function SettingsPage({ settings, onSave }: { settings: Settings; onSave: (s: Settings) => void }) {
    const c = useChain();
    const [draft, setDraft] = useState(settings);
    const set = (patch: Partial<Settings>) => setDraft((d) => ({ ...d, ...patch }));
    const choosePreset = (p: Preset) => set(p === 'custom' ? { preset: p } : { preset: p, ...PRESETS[p] });
    return (
        <div className="page">
            <Card title="Network and pool">
                <label className="field">
                    <span>Network</span>
                    <select data-testid="settings-preset" value={draft.preset} onChange={(e) => choosePreset(e.target.value as Preset)}>
                        <option value="localnet">Localnet (127.0.0.1:8899)</option>
                        <option value="devnet">Devnet</option>
                        <option value="mainnet-beta">Mainnet-beta</option>
                        <option value="custom">Custom</option>
                    </select>
                </label>
                <label className="field">
                    <span>RPC URL</span>
                    <input
                        data-testid="settings-rpc"
                        value={draft.rpcUrl}
                        onChange={(e) => set({ preset: 'custom', rpcUrl: e.target.value, wsUrl: defaultWsUrl(e.target.value) })}
                    />
                </label>
                <label className="field">
                    <span>WebSocket URL</span>
                    <input data-testid="settings-ws" value={draft.wsUrl} onChange={(e) => set({ preset: 'custom', wsUrl: e.target.value })} />
                </label>
                <label className="field">
                    <span>Pool address</span>
                    <input data-testid="settings-pool" value={draft.pool} onChange={(e) => set({ pool: e.target.value.trim() })} />
                </label>
                <label className="field">
                    <span>Slippage tolerance (bps)</span>
                    <input
                        inputMode="numeric"
                        value={String(draft.slippageBps)}
                        onChange={(e) => set({ slippageBps: Math.max(0, Math.min(1_000, Number(e.target.value) || 0)) })}
                    />
                </label>
                <button className="primary" data-testid="settings-save" onClick={() => onSave(draft)}>
                    Save
                </button>
            </Card>
            <Card title="Connection">
                <Row label="Cluster (by genesis hash)">{c.cluster ?? '…'}</Row>
                <Row label="Genesis hash">
                    <span className="mono small">{c.genesisHash ?? '…'}</span>
                </Row>
                <Row label="Wallet chain expected">{c.chain ?? '…'}</Row>
                <Row label="Epoch">{c.epoch !== null ? `${c.epoch} (slot ${c.slotIndex}/${c.epochSlots})` : '…'}</Row>
                {c.rpcError && <div className="notice warn">{c.rpcError}</div>}
            </Card>
        </div>
    );
}
