// Turning failures into one clear sentence: program errors by name (from the IDL), wallet
// rejections, RPC failures.
import { bps } from '../format';
import { IDL_CONSTANTS, PROGRAM_ERRORS } from '../generated/idlExtras';
import { QuoteError } from '../math';

export class UserFacingError extends Error {
    readonly kind: string;
    constructor(kind: string, message: string) {
        super(message);
        this.kind = kind;
    }
}

const QUOTE_MESSAGES: Record<string, string> = {
    PoolStale:
        'The pool has not been updated for this epoch yet (the crank runs right after each epoch boundary). Deposits and exits wait for it; nothing was sent.',
    DepositsPaused: 'Deposits are paused by the pool’s guardian. Nothing was sent.',
    InstantExitsPaused: 'Instant exits (and stake withdrawals) are paused by the pool’s guardian. Use a delayed exit (ticket). Nothing was sent.',
    InsufficientLiquidity: 'The reserve’s buffer cannot pay this instant exit. Use a smaller amount, a ticket, or the one-call exit. Nothing was sent.',
    ZeroAmount: 'Enter an amount greater than zero.',
    DepositTooSmall: 'Deposit too small: it would mint zero LST at the current rate.',
    ExitTooSmall: 'Exit too small: the LST is worth nothing after the fee.',
    StakeWithdrawalTooSmall: 'A stake withdrawal must be worth at least 1 SOL after its fee (the minimum delegation).',
    StakeWithdrawalTooLarge: 'This validator’s stake cannot give that much: it must keep at least 1 SOL delegated. Choose another validator or a smaller amount.',
    MathOverflow: 'Amount too large for the pool’s totals.',
    PoolHasNoValue: 'The pool holds no SOL for its LST (a total loss): deposits are refused. Nothing was sent.',
    LstAccountMissing: 'Your wallet has no LST account for this pool’s mint yet: stake first (that creates it). Nothing was sent.',
    SlippageExceeded: 'The rate moved since the quote: the deposit would mint less LST than the quote less your slippage tolerance (Settings). Nothing was deposited; check the new quote and try again.',
    ExitSlippageExceeded: 'The rate moved since the quote: the exit would pay less SOL than the quote less your slippage tolerance (Settings). Nothing was exited; check the new quote and try again.',
    InstantPartBelowMinimum:
        'The reserve’s buffer would now pay less SOL at once than the quote’s instant part less your slippage tolerance (Settings): it was drained, or instant exits were paused, since the quote. The exit was refused instead of turning the instant part into a ticket; nothing was exited. Check the new quote and try again.',
    // Validator risk.
    VoteStateUnreadable: 'The validator’s vote account does not hold a vote state the pool can read (versions 0 to 3, initialized). Nothing was sent.',
    VoteAccountMismatch: 'The vote account is not the one of the validator at this position: the validator list changed since it was read. Reload the page and try again. Nothing was sent.',
    ValidatorListNeedsMigration:
        'The pool’s validator list still has the layout from before validator records: it must be migrated first (migrate_validator_list, which anyone may send). Nothing was sent.',
    ValidatorListAlreadyMigrated: 'The validator list already has the current layout: there is nothing to migrate. Nothing was sent.',
    ValidatorRulesOutOfBounds: `A validator rule is outside its on-chain bounds (max commission and max increase at most ${bps(IDL_CONSTANTS.MAX_COMMISSION_CAP_BPS)}, min credits share ${bps(IDL_CONSTANTS.MIN_CREDITS_SHARE_FLOOR_BPS)} to ${bps(IDL_CONSTANTS.MIN_CREDITS_SHARE_CEILING_BPS)}, 1 to ${IDL_CONSTANTS.MAX_DELINQUENT_EPOCHS} delinquent epochs, 1 to ${IDL_CONSTANTS.MAX_COOLING_OFF_EPOCHS} cooling-off epochs). Nothing was sent.`,
    ValidatorEligible: 'The validator passes every rule: its stake stays where it is. Nothing was sent.',
    NothingToDeactivate: 'The ineligible validator’s stake is already deactivated: nothing to do. Nothing was sent.',
    NothingToRecord: 'Every validator of this batch was read this epoch already and nothing changed: nothing to record. Nothing was sent.',
};

export function quoteMessage(e: QuoteError): string {
    return QUOTE_MESSAGES[e.code] ?? PROGRAM_ERRORS[codeOfName(e.code) ?? -1]?.msg ?? e.code;
}

function codeOfName(name: string): number | undefined {
    for (const [code, v] of Object.entries(PROGRAM_ERRORS)) if (v.name === name) return Number(code);
    return undefined;
}

/** A program error code as a name and the sentence shown for it (the app's own where it has
 *  one, else the program's message). */
export function programError(code: number): { name: string; message: string } | undefined {
    const e = PROGRAM_ERRORS[code];
    return e && { name: e.name, message: `${e.name}: ${QUOTE_MESSAGES[e.name] ?? `${e.msg}. Nothing was sent.`}` };
}

/** Finds a custom program error code anywhere in an error or simulation result. */
export function findCustomCode(x: unknown, depth = 0): number | undefined {
    if (x == null || depth > 6) return undefined;
    if (typeof x === 'object') {
        const o = x as Record<string, unknown>;
        if (typeof o.Custom === 'number' || typeof o.Custom === 'bigint') return Number(o.Custom);
        // @solana/kit SolanaError: SOLANA_ERROR__INSTRUCTION_ERROR__CUSTOM carries context.code
        const ctx = o.context as Record<string, unknown> | undefined;
        if (ctx && (typeof ctx.code === 'number' || typeof ctx.code === 'bigint') && Number(ctx.code) >= 6000) return Number(ctx.code);
        for (const k of ['InstructionError', 'err', 'cause', 'context', 'value', 'data']) {
            const v = o[k];
            if (Array.isArray(v)) {
                for (const item of v) {
                    const c = findCustomCode(item, depth + 1);
                    if (c !== undefined) return c;
                }
            } else if (v && typeof v === 'object') {
                const c = findCustomCode(v, depth + 1);
                if (c !== undefined) return c;
            }
        }
    }
    return undefined;
}

export function isUserRejection(e: unknown): boolean {
    if (!e || typeof e !== 'object') return false;
    const o = e as { code?: unknown; name?: string; message?: string };
    return o.code === 4001 || o.name === 'WalletSignTransactionError' && /reject/i.test(o.message ?? '') || /reject|denied|declined|cancel/i.test(o.message ?? '');
}

/** One sentence for any failure of a flow. */
export function explain(e: unknown): { kind: string; message: string } {
    if (e instanceof UserFacingError) return { kind: e.kind, message: e.message };
    if (e instanceof QuoteError) return { kind: e.code, message: quoteMessage(e) };
    if (isUserRejection(e)) return { kind: 'rejected', message: 'You rejected the request in your wallet. Nothing was sent.' };
    const code = findCustomCode(e);
    const known = code !== undefined ? programError(code) : undefined;
    if (known) return { kind: known.name, message: known.message };
    const msg = e instanceof Error ? e.message : String(e);
    if (/insufficient (funds|lamports)/i.test(msg)) return { kind: 'insufficient', message: 'Insufficient SOL for this transaction and its fees.' };
    return { kind: 'error', message: msg };
}
