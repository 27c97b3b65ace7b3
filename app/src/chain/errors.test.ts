// Plain sentences for the program's errors a user meets (src/chain/errors.ts).
import { describe, expect, it } from 'vitest';

import { IDL_CONSTANTS, PROGRAM_ERRORS } from '../generated/idlExtras';
import { explain, programError } from './errors';

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

describe('errors of targets from scores', () => {
    it('each is named and worded by the IDL (6080..6085, the program’s messages)', () => {
        const want: [number, string, RegExp][] = [
            [6080, 'TargetsFollowWeights', /operator's weights \(hand mode\)/],
            [6081, 'WeightsFollowScores', /follow validator scores \(score mode\)/],
            [6082, 'ValidatorsNotRecorded', /record_validators first/],
            [6083, 'SelectionCutoffMismatch', /top-N-th best eligible score/],
            [6084, 'TargetModeInvalid', /Unknown target mode/],
            [6085, 'NothingToSelect', /nothing to select/],
        ];
        for (const [code, name, msg] of want) {
            expect(PROGRAM_ERRORS[code]?.name, String(code)).toBe(name);
            const e = programError(code)!;
            expect(e.message).toBe(`${name}: ${PROGRAM_ERRORS[code].msg}. Nothing was sent.`);
            expect(e.message).toMatch(msg);
            expect(explain({ InstructionError: [0, { Custom: code }] })).toEqual({ kind: name, message: e.message });
        }
    });
});
