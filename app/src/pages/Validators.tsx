import {
    commissionText,
    creditsByEpoch,
    effectiveWeight,
    lastCommission,
    NEVER_READ,
    pendingRules,
    rulesAt,
    rulesChanges,
    rulesText,
    selectionState,
    selectionText,
    targetModeText,
    targetsFromScores,
    TARGETS_TOP_BY_SCORE,
    validatorState,
    VALIDATOR_FLAG_MAIN_DEACTIVATED,
    windowCredits,
} from '../chain/risk';
import { useChain } from '../chain/store';
import { VALIDATOR_LIST_LAYOUT, type ValidatorListView } from '../chain/validatorList';
import { Card, Empty, Row } from '../components/common';
import { useValidatorList } from '../components/validators';
import { formatAmount, shortAddress } from '../format';
import { IDL_CONSTANTS } from '../generated/idlExtras';

const num = (x: bigint | number) => x.toLocaleString('en-US');

export function ValidatorsPage() {
    const c = useChain();
    const { list, validators, error } = useValidatorList(true);
    const totalWeight = c.pool?.totalWeight ?? 0n;
    const totalStake = (validators ?? []).reduce((a, v) => a + v.activeStakeLamports + v.transientStakeLamports, 0n);
    const pct = (a: bigint, b: bigint) => (b === 0n ? '0.00%' : `${(Number((a * 1_000_000n) / b) / 10_000).toFixed(2)}%`);
    return (
        <div className="page">
            <Card title={`Validators${validators ? ` (${validators.length})` : ''}`}>
                {error && <div className="notice warn">Could not read the validator list: {error}</div>}
                {list?.needsMigration && <MigrationNotice list={list} />}
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
                                    <th>Commission</th>
                                    <th>Credits (last epochs)</th>
                                    <th>Score</th>
                                    <th>State</th>
                                    <th>Status</th>
                                </tr>
                            </thead>
                            <tbody>
                                {validators.map((v, i) => {
                                    const stake = v.activeStakeLamports + v.transientStakeLamports;
                                    const record = list?.records?.[i] ?? null;
                                    const read = record !== null && record.watchedSinceEpoch !== NEVER_READ;
                                    const state = validatorState(v, record, c.epoch);
                                    const weight = BigInt(effectiveWeight(v));
                                    const selection = selectionState(v, list?.scoring ?? null);
                                    const commission = record && lastCommission(record);
                                    const byEpoch = record && read ? creditsByEpoch(record) : [];
                                    return (
                                        <tr key={v.voteAccount} data-testid="validator-row" data-vote={v.voteAccount} data-state={state.kind}>
                                            <td data-label="Vote account" className="mono" title={v.voteAccount}>
                                                {i}. {shortAddress(v.voteAccount)}
                                            </td>
                                            <td data-label="Target share">
                                                <div className="bar">
                                                    <div style={{ width: pct(weight, totalWeight) }} />
                                                </div>
                                                <span>
                                                    {pct(weight, totalWeight)}
                                                    {selection && (
                                                        <span className="small block" data-testid="validator-selection" data-selection={selection.kind}>
                                                            {selection.label}
                                                        </span>
                                                    )}
                                                    <span className="small block">
                                                        weight {v.weight}
                                                        {weight === 0n && v.weight > 0 ? ' (not counted: ineligible)' : ''}
                                                    </span>
                                                </span>
                                            </td>
                                            <td data-label="Stake (SOL)">
                                                <span>
                                                    {formatAmount(v.activeStakeLamports)}
                                                    {v.transientStakeLamports > 0n && <span className="small block">+ {formatAmount(v.transientStakeLamports)} in transit</span>}
                                                </span>
                                            </td>
                                            <td data-label="Share of stake">
                                                <div className="bar">
                                                    <div style={{ width: pct(stake, totalStake) }} />
                                                </div>
                                                {pct(stake, totalStake)}
                                            </td>
                                            <td data-label="Commission" data-testid="validator-commission">
                                                <span>
                                                    {commissionText(record)}
                                                    {commission && c.epoch !== null && commission.epoch !== c.epoch && (
                                                        <span className="small"> (epoch {String(commission.epoch)})</span>
                                                    )}
                                                </span>
                                            </td>
                                            <td data-label="Credits (last epochs)" data-testid="validator-credits" className="credits">
                                                {record && read ? (
                                                    <span title={`credits by epoch, newest first; read in epoch ${record.recordedEpoch}`}>
                                                        {num(windowCredits(record))}
                                                        {byEpoch.length > 0 && (
                                                            <span className="small block">
                                                                {byEpoch.map((x, k) => `${k === 0 ? 'epoch ' : ''}${x.epoch}: ${num(x.credits)}`).join(' · ')}
                                                            </span>
                                                        )}
                                                    </span>
                                                ) : (
                                                    '—'
                                                )}
                                            </td>
                                            <td data-label="Score" data-testid="validator-score" title="credits over the window less the commission's share">
                                                {record && read ? num(record.score) : '—'}
                                            </td>
                                            <td data-label="State" data-testid="validator-state" className="wrap state-cell">
                                                <span>
                                                    <span className={`state ${state.kind}`}>{state.label}</span>
                                                    {state.reason && state.kind !== 'ineligible' && (
                                                        <span className="small block" data-testid="validator-reason">
                                                            out of the targets: {state.reason}
                                                        </span>
                                                    )}
                                                    {record && read && record.delinquentEpochs > 0 && (
                                                        <span className="small block">
                                                            {record.delinquentEpochs} epoch{record.delinquentEpochs === 1 ? '' : 's'} without a credit
                                                        </span>
                                                    )}
                                                </span>
                                            </td>
                                            <td data-label="Status">
                                                {v.status === 0 ? (
                                                    <span>
                                                        active
                                                        {v.flags & VALIDATOR_FLAG_MAIN_DEACTIVATED ? <span className="small block">stake resting</span> : null}
                                                    </span>
                                                ) : (
                                                    'leaving'
                                                )}
                                            </td>
                                        </tr>
                                    );
                                })}
                            </tbody>
                        </table>
                    </div>
                )}
            </Card>
            {list && <RulesCard list={list} epoch={c.epoch} />}
        </div>
    );
}

function MigrationNotice({ list }: { list: ValidatorListView }) {
    const L = VALIDATOR_LIST_LAYOUT;
    const partWay = list.dataLength > L.legacySize && list.dataLength < L.size;
    return (
        <div className="notice warn" data-testid="validators-needs-migration">
            This validator list has the layout from before validator records (version {list.version},{' '}
            {num(list.dataLength)} of {num(L.size)} bytes{partWay ? ': migration under way' : ''}): it needs migration
            (<span className="mono">migrate_validator_list</span>, which anyone may send). Until then the pool reads no vote
            accounts, so commission, credits and state are not recorded, and the pool’s instructions that use the list refuse it
            (ValidatorListNeedsMigration).
        </div>
    );
}

function RulesCard({ list, epoch }: { list: ValidatorListView; epoch: bigint | null }) {
    const s = list.scoring;
    if (!s) {
        return (
            <Card title="Validator rules">
                <Empty>No rules yet: the list needs migration (the rules come with it).</Empty>
            </Card>
        );
    }
    const now = epoch ?? 0n;
    const rules = rulesAt(s, now);
    const pending = pendingRules(s, now);
    const selection = selectionText(s);
    return (
        <Card title="Validator rules and targets">
            <div className="grid2" data-testid="validator-rules">
                <Row label="Targets from" testId="targets-mode">
                    {targetModeText(s)}
                </Row>
                {selection !== null && (
                    <Row label="Last selection" testId="targets-selection">
                        {selection}
                    </Row>
                )}
                {rulesText(rules).map((r) => (
                    <Row key={r.key} label={r.label} testId={`rule-${r.key}`}>
                        {r.value}
                    </Row>
                ))}
                <Row label="Pending loosening" testId="rules-pending">
                    {pending ? `${rulesChanges(rules, pending.rules).join(', ')}, from epoch ${pending.fromEpoch}` : 'none'}
                </Row>
                <Row label="Best credits (last round)">
                    {s.referenceBestCredits > 0n
                        ? `${num(s.referenceBestCredits)} (so at least ${num((s.referenceBestCredits * BigInt(rules.minCreditsBps) + 9_999n) / 10_000n)})`
                        : 'none yet (the credits rule waits for a full round)'}
                </Row>
                <Row label="Ineligible now" testId="rules-ineligible">
                    {s.ineligibleCount}
                </Row>
            </div>
            <p className="small">
                A validator is eligible while, on the pool’s latest reading of its vote account, it is not blocklisted, its
                commission is at most the max and rose by at most the max increase, it earned credits within the delinquency
                window, and its credits are at least the share of the best pool validator’s; and the cooling-off has passed since a
                reading last failed. An ineligible validator’s weight counts for nothing (target 0) and anyone may deactivate its
                stake. Tightening applies at once; loosening waits {String(IDL_CONSTANTS.FEE_INCREASE_DELAY_EPOCHS)} epochs.
            </p>
            <p className="small" data-testid="targets-explained">
                {targetsFromScores(s)
                    ? `The targets follow scores: after each full reading round anyone may send select_validators, which gives the top ${num(s.topN)} eligible validators by score (and any tied with the last of them) ${s.targetMode === TARGETS_TOP_BY_SCORE ? 'their score as weight' : 'weight 1 each'} and every other validator weight 0; the operator sets no weights meanwhile. A validator turning ineligible between selections still gets target 0 at once.`
                    : 'The targets follow the operator’s weights: each validator’s target share is its weight over the total weight of the eligible validators.'}
            </p>
        </Card>
    );
}
