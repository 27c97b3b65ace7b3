import { useEffect, useState } from 'react';

import { fetchValidators } from '../chain/protocol';
import { useChain } from '../chain/store';
import type { ValidatorEntry } from '../generated';

/** The pool's validator entries, re-read whenever the pool account changes its stake or count. */
export function useValidators(enabled = true): { validators: ValidatorEntry[] | null; error: string | null } {
    const c = useChain();
    const [validators, setValidators] = useState<ValidatorEntry[] | null>(null);
    const [error, setError] = useState<string | null>(null);
    const key = c.pool ? `${c.pool.validatorList}:${c.pool.validatorCount}:${c.pool.stakeLamports}:${c.pool.lastUpdateEpoch}` : null;
    useEffect(() => {
        if (!enabled || !c.pool || !key) return;
        let live = true;
        fetchValidators(c.conn.rpc, c.pool.validatorList, c.pool.validatorCount)
            .then((v) => {
                if (live) {
                    setValidators(v);
                    setError(null);
                }
            })
            .catch((e) => live && setError((e as Error).message));
        return () => {
            live = false;
        };
        // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [c.conn, key, enabled]);
    return { validators, error };
}
