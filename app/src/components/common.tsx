import { useEffect, useState, type ReactNode } from 'react';

import { useChain } from '../chain/store';
import { hasValue, isFresh, PAUSED_DEPOSITS, PAUSED_INSTANT_EXITS } from '../math';
import { duration } from '../format';

/** Rent-exempt minimum of an account of `size` bytes (getMinimumBalanceForRentExemption, once). */
export function useRent(size: bigint | number): bigint | null {
    const { conn } = useChain();
    const [rent, setRent] = useState<bigint | null>(null);
    useEffect(() => {
        let live = true;
        conn.rpc
            .getMinimumBalanceForRentExemption(BigInt(size))
            .send()
            .then((r) => live && setRent(r))
            .catch(() => {});
        return () => {
            live = false;
        };
    }, [conn, size]);
    return rent;
}

export function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
    return (
        <div className="row">
            <span className="label">{label}</span>
            <span className="value" data-testid={testId}>
                {children}
            </span>
        </div>
    );
}

export function Card({ title, children, className }: { title?: string; children: ReactNode; className?: string }) {
    return (
        <section className={`card ${className ?? ''}`}>
            {title && <h2>{title}</h2>}
            {children}
        </section>
    );
}

/** Seconds until the next epoch starts (from the slot and the measured slot time). */
export function useSecondsToNextEpoch(): number | null {
    const c = useChain();
    if (c.slotIndex === null || c.epochSlots === null) return null;
    return Number(c.epochSlots - c.slotIndex) * c.slotSeconds;
}

/** Notices about the pool that stop a flow: stale, paused. */
export function PoolNotices({ flow }: { flow: 'deposit' | 'exit' | 'any' }) {
    const c = useChain();
    const toNext = useSecondsToNextEpoch();
    if (!c.pool || c.epoch === null) return null;
    const notices: { kind: string; text: string }[] = [];
    if (!isFresh(c.pool, c.epoch)) {
        notices.push({
            kind: 'stale',
            text: `Pool is stale: it was last updated in epoch ${c.pool.lastUpdateEpoch}, the cluster is in epoch ${c.epoch}. The crank updates it right after each epoch boundary; until then deposits and exits are refused.`,
        });
    }
    if (flow !== 'exit' && c.pool.paused & PAUSED_DEPOSITS) notices.push({ kind: 'deposits-paused', text: 'Deposits are paused by the pool’s guardian.' });
    if (flow !== 'exit' && !hasValue(c.pool)) {
        notices.push({ kind: 'no-value', text: 'The pool holds no SOL for its LST (a total loss): deposits are refused.' });
    }
    if (flow !== 'deposit' && c.pool.paused & PAUSED_INSTANT_EXITS) {
        notices.push({ kind: 'instant-paused', text: 'Instant exits and stake withdrawals are paused; delayed exits (tickets) still work.' });
    }
    if (notices.length === 0) return null;
    return (
        <div className="notices">
            {notices.map((n) => (
                <div key={n.kind} className="notice warn" data-testid={`notice-${n.kind}`}>
                    {n.text}
                    {n.kind === 'stale' && toNext !== null && <span className="small"> (next epoch in about {duration(toNext)})</span>}
                </div>
            ))}
        </div>
    );
}

export function Empty({ children }: { children: ReactNode }) {
    return <p className="empty">{children}</p>;
}
