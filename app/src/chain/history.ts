// The pool's history from its own events: getSignaturesForAddress(pool), getTransaction of each,
// `Program data:` log lines decoded with the generated event decoders (EpochFinalized here).
import { getBase64Encoder, type Address, type Signature } from '@solana/kit';

import { EVENT_DECODERS, EVENT_DISCRIMINATORS, type EventName } from '../generated/idlExtras';
import type { EpochFinalized } from '../generated';
import type { Rpc } from './connection';

export interface EpochPoint {
    epoch: bigint;
    blockTime: number | null;
    slot: bigint;
    totalLamports: bigint;
    lstSupply: bigint;
    rewardsLamports: bigint;
    feeLamports: bigint;
    /** SOL per LST after the settlement. */
    rate: number;
    /** Annualised from the rate's move since the previous settlement over the time between them. */
    apy: number | null;
}

const b64 = getBase64Encoder();

/** Decodes one log line's event, if it is one of ours. */
export function decodeEventLog(line: string): { name: EventName; data: unknown } | null {
    const prefix = 'Program data: ';
    if (!line.startsWith(prefix)) return null;
    let bytes: Uint8Array;
    try {
        bytes = new Uint8Array(b64.encode(line.slice(prefix.length).trim()));
    } catch {
        return null;
    }
    for (const [name, disc] of Object.entries(EVENT_DISCRIMINATORS) as [EventName, Uint8Array][]) {
        if (bytes.length >= 8 && disc.every((b, i) => bytes[i] === b)) {
            try {
                return { name, data: EVENT_DECODERS[name]().decode(bytes.subarray(8)) };
            } catch {
                return null;
            }
        }
    }
    return null;
}

const SECONDS_PER_YEAR = 365.25 * 24 * 3600;

/** Reads up to `maxSignatures` of the pool's transactions, newest first, and returns the
 *  EpochFinalized settlements oldest first. */
export async function fetchEpochHistory(
    rpc: Rpc,
    pool: Address,
    opts: { maxSignatures?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<EpochPoint[]> {
    const max = opts.maxSignatures ?? 1_000;
    const signatures: { signature: Signature; err: unknown }[] = [];
    let before: Signature | undefined;
    while (signatures.length < max) {
        const page = await rpc
            .getSignaturesForAddress(pool, { limit: Math.min(1_000, max - signatures.length), before, commitment: 'confirmed' })
            .send();
        if (page.length === 0) break;
        signatures.push(...page.map((p) => ({ signature: p.signature, err: p.err })));
        before = page[page.length - 1].signature;
        if (page.length < 1_000) break;
    }
    const ok = signatures.filter((s) => !s.err);
    const points: EpochPoint[] = [];
    let done = 0;
    const batch = 8;
    for (let i = 0; i < ok.length; i += batch) {
        const txs = await Promise.all(
            ok.slice(i, i + batch).map((s) =>
                rpc
                    .getTransaction(s.signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0, encoding: 'json' })
                    .send()
                    .catch(() => null),
            ),
        );
        for (const tx of txs) {
            for (const line of tx?.meta?.logMessages ?? []) {
                const ev = decodeEventLog(line);
                if (ev?.name !== 'epochFinalized') continue;
                const e = ev.data as EpochFinalized;
                if (e.pool !== pool) continue;
                points.push({
                    epoch: e.epoch,
                    blockTime: tx!.blockTime === null ? null : Number(tx!.blockTime),
                    slot: tx!.slot,
                    totalLamports: e.totalLamports,
                    lstSupply: e.lstSupply,
                    rewardsLamports: e.rewardsLamports,
                    feeLamports: e.feeLamports,
                    rate: e.lstSupply === 0n ? 1 : Number((e.totalLamports * 1_000_000_000n) / e.lstSupply) / 1e9,
                    apy: null,
                });
            }
        }
        done += txs.length;
        opts.onProgress?.(done, ok.length);
    }
    // One settlement per epoch (a second finalize in an epoch does nothing and emits nothing).
    const byEpoch = new Map<bigint, EpochPoint>();
    for (const p of points) if (!byEpoch.has(p.epoch)) byEpoch.set(p.epoch, p);
    const sorted = [...byEpoch.values()].sort((a, b) => (a.epoch < b.epoch ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
        const [a, b] = [sorted[i - 1], sorted[i]];
        if (a.blockTime !== null && b.blockTime !== null && b.blockTime > a.blockTime && a.rate > 0) {
            b.apy = Math.pow(b.rate / a.rate, SECONDS_PER_YEAR / (b.blockTime - a.blockTime)) - 1;
        }
    }
    return sorted;
}
