import { useEffect, useState } from 'react';

import { decodeEventLog } from '../chain/history';
import { useChain } from '../chain/store';
import { fetchValidatorList, type ValidatorListView } from '../chain/validatorList';
import type { ValidatorEntry } from '../generated';
import type { EventName } from '../generated/idlExtras';

/** Events of the instructions that change records, rules or weights without necessarily changing
 *  the pool's stake, count or total weight (a first reading, a new commission, the rules, a
 *  migration, the target mode, a selection that swaps validators at the same total weight). */
const RISK_EVENTS = new Set<EventName>([
    'validatorsRecorded',
    'validatorIneligible',
    'validatorEligibleAgain',
    'validatorBlockSet',
    'validatorRulesSet',
    'validatorListMigrated',
    'ineligibleStakeDeactivated',
    'targetModeSet',
    'validatorsSelected',
]);

/** The pool's validator list (the used entries, their records, the rules): read when the pool
 *  account changes its stake, count, total weight or update epoch, and when a transaction that
 *  mentions the pool logs one of RISK_EVENTS (`logsNotifications`; the 2.72 MB list itself is not
 *  subscribed to). With `withRisk` false, only the pool's changes re-read it. */
export function useValidatorList(enabled = true, withRisk = true): { list: ValidatorListView | null; validators: ValidatorEntry[] | null; error: string | null } {
    const c = useChain();
    const [list, setList] = useState<ValidatorListView | null>(null);
    const [error, setError] = useState<string | null>(null);
    const [riskEvents, setRiskEvents] = useState(0);
    const key = c.pool
        ? `${c.pool.validatorList}:${c.pool.validatorCount}:${c.pool.stakeLamports}:${c.pool.totalWeight}:${c.pool.lastUpdateEpoch}:${riskEvents}`
        : null;
    useEffect(() => {
        if (!enabled || !c.pool || !key) return;
        let live = true;
        fetchValidatorList(c.conn.rpc, c.pool.validatorList, c.pool.validatorCount)
            .then((v) => {
                if (live) {
                    setList(v);
                    setError(null);
                }
            })
            .catch((e) => live && setError((e as Error).message));
        return () => {
            live = false;
        };
        // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [c.conn, key, enabled]);

    const pool = c.poolAddress;
    useEffect(() => {
        if (!enabled || !withRisk || !pool) return;
        const abort = new AbortController();
        let stopped = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const run = async () => {
            while (!stopped) {
                try {
                    const logs = await c.conn.rpcSubscriptions
                        .logsNotifications({ mentions: [pool] }, { commitment: 'confirmed' })
                        .subscribe({ abortSignal: abort.signal });
                    for await (const n of logs) {
                        if (n.value.err) continue;
                        if (n.value.logs?.some((l) => RISK_EVENTS.has(decodeEventLog(l)?.name as EventName))) {
                            // A crank sends its readings in a run of transactions: one read after them.
                            clearTimeout(timer);
                            timer = setTimeout(() => setRiskEvents((x) => x + 1), 400);
                        }
                    }
                } catch {
                    /* socket closed: resubscribe below */
                }
                if (stopped) return;
                await new Promise((r) => setTimeout(r, 3_000));
            }
        };
        void run();
        return () => {
            stopped = true;
            abort.abort();
            clearTimeout(timer);
        };
    }, [c.conn, pool, enabled, withRisk]);
    return { list, validators: list?.entries ?? null, error };
}

/** The pool's validator entries (see useValidatorList; re-read on the pool's changes only). */
export function useValidators(enabled = true): { validators: ValidatorEntry[] | null; error: string | null } {
    const { validators, error } = useValidatorList(enabled, false);
    return { validators, error };
}
