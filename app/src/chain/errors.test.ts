// Plain sentences for the program's errors a user meets (src/chain/errors.ts).
import { describe, expect, it } from 'vitest';

import { IDL_CONSTANTS, PROGRAM_ERRORS } from '../generated/idlExtras';
import { programError } from './errors';

describe('errors of validator risk', () => {
    it('each has its own plain sentence', () => {
        const names = [
            'VoteStateUnreadable',
            'VoteAccountMismatch',
            'ValidatorListNeedsMigration',
            'ValidatorListAlreadyMigrated',
            'ValidatorRulesOutOfBounds',
            'ValidatorEligible',
            'NothingToDeactivate',
            'NothingToRecord',
        ];
        for (const name of names) {
            const code = Number(Object.entries(PROGRAM_ERRORS).find(([, e]) => e.name === name)?.[0]);
            expect(code, name).toBeGreaterThanOrEqual(6000);
            const e = programError(code)!;
            expect(e.name).toBe(name);
            // The app's sentence, not the program's message with "Nothing was sent." appended.
            expect(e.message).not.toBe(`${name}: ${PROGRAM_ERRORS[code].msg}. Nothing was sent.`);
            expect(e.message).toMatch(/Nothing was sent\.$/);
        }
        const bounds = programError(Number(Object.entries(PROGRAM_ERRORS).find(([, e]) => e.name === 'ValidatorRulesOutOfBounds')![0]))!;
        expect(bounds.message).toContain(`1 to ${IDL_CONSTANTS.MAX_COOLING_OFF_EPOCHS} cooling-off epochs`);
        expect(bounds.message).toContain('at most 10.00%');
    });
});
