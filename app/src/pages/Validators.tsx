import { useChain } from '../chain/store';
import { Card, Empty } from '../components/common';
import { useValidators } from '../components/validators';
import { formatAmount, shortAddress } from '../format';

export function ValidatorsPage() {
    const c = useChain();
    const { validators, error } = useValidators(true);
    const totalWeight = c.pool?.totalWeight ?? 0n;
    const totalStake = (validators ?? []).reduce((a, v) => a + v.activeStakeLamports + v.transientStakeLamports, 0n);
    const pct = (a: bigint, b: bigint) => (b === 0n ? '0.00%' : `${(Number((a * 1_000_000n) / b) / 10_000).toFixed(2)}%`);
    return (
        <div className="page">
            <Card title={`Validators${validators ? ` (${validators.length})` : ''}`}>
                {error && <div className="notice warn">Could not read the validator list: {error}</div>}
                {!validators && !error && <Empty>Loading…</Empty>}
                {validators && validators.length === 0 && <Empty>The pool has no validators yet.</Empty>}
                {validators && validators.length > 0 && (
                    <div className="table-wrap">
                        <table className="table cards" data-testid="validators">
                            <thead>
                                <tr>
                                    <th>Vote account</th>
                                    <th>Target share</th>
                                    <th>Stake (SOL)</th>
                                    <th>Share of stake</th>
                                    <th>Status</th>
                                </tr>
                            </thead>
                            <tbody>
                                {validators.map((v, i) => {
                                    const stake = v.activeStakeLamports + v.transientStakeLamports;
                                    return (
                                        <tr key={v.voteAccount} data-testid="validator-row">
                                            <td data-label="Vote account" className="mono" title={v.voteAccount}>
                                                {i}. {shortAddress(v.voteAccount)}
                                            </td>
                                            <td data-label="Target share">
                                                <div className="bar">
                                                    <div style={{ width: pct(BigInt(v.weight), totalWeight) }} />
                                                </div>
                                                {pct(BigInt(v.weight), totalWeight)} (weight {v.weight})
                                            </td>
                                            <td data-label="Stake (SOL)">
                                                {formatAmount(v.activeStakeLamports)}
                                                {v.transientStakeLamports > 0n && <span className="small"> + {formatAmount(v.transientStakeLamports)} in transit</span>}
                                            </td>
                                            <td data-label="Share of stake">
                                                <div className="bar">
                                                    <div style={{ width: pct(stake, totalStake) }} />
                                                </div>
                                                {pct(stake, totalStake)}
                                            </td>
                                            <td data-label="Status">{v.status === 0 ? (v.flags & 1 ? 'active (stake resting)' : 'active') : 'leaving'}</td>
                                        </tr>
                                    );
                                })}
                            </tbody>
                        </table>
                    </div>
                )}
            </Card>
        </div>
    );
}
