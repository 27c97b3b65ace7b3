#!/usr/bin/env node
// Generates the typed TypeScript client of the program from the checked-in Anchor IDL
// (../idl/liquid_staking.json) with Codama into src/generated/.
//
//   npm run codegen          regenerate src/generated/
//   npm run codegen:check    regenerate into a temporary folder; exit 1 on any difference
//
// Besides Codama's Kit renderer output, two things are added here, both computed from the IDL:
//   1. PDA nodes for the accounts the IDL has no `pda` seeds for (ticket, validator stake,
//      transient stake). Their constant seeds are the IDL's own exported constants
//      (TICKET_SEED, VALIDATOR_STAKE_SEED, TRANSIENT_STAKE_SEED); only the order of the variable
//      seeds is written here, as programs/liquid-staking/src/pda.rs derives them.
//   2. src/generated/idlExtras.ts: the IDL's constants and the events' discriminators (the Kit
//      renderer renders neither), so event logs can be decoded with the generated type decoders.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { rootNodeFromAnchor } from '@codama/nodes-from-anchor';
import renderVisitor from '@codama/renderers-js';
import { addPdasVisitor, rootNodeVisitor } from '@codama/visitors';
import {
    bytesTypeNode,
    definedTypeNode,
    programNode,
    rootNode,
    bytesValueNode,
    constantPdaSeedNode,
    numberTypeNode,
    publicKeyTypeNode,
    variablePdaSeedNode,
} from '@codama/nodes';
import { createFromRoot } from 'codama';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IDL_PATH = resolve(APP, '../idl/liquid_staking.json');
const GENERATED = 'src/generated';

const check = process.argv.includes('--check');

function idlConstantBytes(idl, name) {
    const c = (idl.constants ?? []).find((k) => k.name === name);
    if (!c) throw new Error(`IDL has no constant ${name}`);
    if (c.type !== 'bytes') throw new Error(`IDL constant ${name} is not bytes`);
    return Uint8Array.from(JSON.parse(c.value));
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');

function seedNode(idl, name) {
    return constantPdaSeedNode(bytesTypeNode(), bytesValueNode('base16', hex(idlConstantBytes(idl, name))));
}

async function generate(packageFolder) {
    const idl = JSON.parse(readFileSync(IDL_PATH, 'utf8'));
    const codama = createFromRoot(rootNodeFromAnchor(idl));
    // PDAs the IDL gives no seeds for (see the header comment).
    const known = new Set(codama.getRoot().program.pdas.map((p) => p.name));
    const extra = {
        ticket: [
            seedNode(idl, 'TICKET_SEED'),
            variablePdaSeedNode('pool', publicKeyTypeNode()),
            variablePdaSeedNode('owner', publicKeyTypeNode()),
            variablePdaSeedNode('nonce', numberTypeNode('u64')),
        ],
        validatorStake: [
            seedNode(idl, 'VALIDATOR_STAKE_SEED'),
            variablePdaSeedNode('pool', publicKeyTypeNode()),
            variablePdaSeedNode('voteAccount', publicKeyTypeNode()),
        ],
        transientStake: [
            seedNode(idl, 'TRANSIENT_STAKE_SEED'),
            variablePdaSeedNode('pool', publicKeyTypeNode()),
            variablePdaSeedNode('voteAccount', publicKeyTypeNode()),
        ],
    };
    const missing = Object.entries(extra)
        .filter(([name]) => !known.has(name))
        .map(([name, seeds]) => ({ name, seeds }));
    if (missing.length) {
        const programName = codama.getRoot().program.name;
        codama.update(addPdasVisitor({ [programName]: missing }));
    }
    // Events: the Kit renderer renders no event nodes, so each event's data (its struct, without
    // the discriminator prefix) becomes a defined type with generated codecs in types/.
    const program = codama.getRoot().program;
    const eventTypes = (program.events ?? []).map((e) =>
        definedTypeNode({
            name: e.name,
            docs: e.docs,
            type: e.data.kind === 'hiddenPrefixTypeNode' ? e.data.type : e.data,
        }),
    );
    const taken = new Set(program.definedTypes.map((t) => t.name));
    for (const t of eventTypes) if (taken.has(t.name)) throw new Error(`event ${t.name} collides with a type`);
    const root = codama.getRoot();
    codama.update(
        rootNodeVisitor(() =>
            rootNode(programNode({ ...program, definedTypes: [...program.definedTypes, ...eventTypes] }), root.additionalPrograms),
        ),
    );
    await codama.accept(
        renderVisitor(join(packageFolder, GENERATED), {
            deleteFolderBeforeRendering: true,
            syncPackageJson: false,
        }),
    );
    writeFileSync(join(packageFolder, GENERATED, 'idlExtras.ts'), renderExtras(idl, codama.getRoot().program));
}

function camel(name) {
    return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase());
}

function renderExtras(idl, program) {
    const lines = [];
    lines.push('/**');
    lines.push(' * This code was GENERATED by scripts/codegen.mjs from ../idl/liquid_staking.json.');
    lines.push(' * Please DO NOT EDIT THIS FILE: run `npm run codegen`.');
    lines.push(' *');
    lines.push(" * The IDL's constants and event discriminators (the Codama Kit renderer renders neither).");
    lines.push(' */');
    lines.push('');
    const decoders = (idl.events ?? []).map((e) => { const n = camel(e.name); return `get${n[0].toUpperCase()}${n.slice(1)}Decoder`; });
    lines.push(`import { ${decoders.join(', ')} } from './types';`);
    lines.push('');
    lines.push('export const IDL_CONSTANTS = {');
    for (const c of idl.constants ?? []) {
        const name = c.name;
        if (c.type === 'bytes') {
            lines.push(`  ${name}: new Uint8Array([${JSON.parse(c.value).join(', ')}]),`);
        } else if (['u64', 'i64', 'u128', 'i128'].includes(c.type)) {
            lines.push(`  ${name}: ${BigInt(c.value.replace(/_/g, ''))}n,`);
        } else if (/^[ui](8|16|32)$/.test(c.type)) {
            lines.push(`  ${name}: ${Number(c.value.replace(/_/g, ''))},`);
        } else {
            lines.push(`  ${name}: ${JSON.stringify(c.value)},`);
        }
    }
    lines.push('} as const;');
    lines.push('');
    lines.push('/** Anchor event discriminators (the first 8 bytes of a `Program data:` log entry). */');
    lines.push('export const EVENT_DISCRIMINATORS = {');
    for (const e of idl.events ?? []) {
        lines.push(`  ${camel(e.name)}: new Uint8Array([${e.discriminator.join(', ')}]),`);
    }
    lines.push('} as const;');
    lines.push('');
    lines.push('export type EventName = keyof typeof EVENT_DISCRIMINATORS;');
    lines.push('');
    lines.push('/** The program\'s errors by code: name and message (also in production bundles). */');
    lines.push('export const PROGRAM_ERRORS: Record<number, { name: string; msg: string }> = {');
    for (const e of idl.errors ?? []) {
        lines.push(`  ${e.code}: { name: ${JSON.stringify(e.name)}, msg: ${JSON.stringify(e.msg ?? '')} },`);
    }
    lines.push('};');
    lines.push('');
    lines.push('/** Each event\'s data decoder (the generated type of the same name). */');
    lines.push('export const EVENT_DECODERS = {');
    for (const e of idl.events ?? []) {
        const n = camel(e.name);
        lines.push(`  ${n}: ${'get' + n[0].toUpperCase() + n.slice(1)}Decoder,`);
    }
    lines.push('} as const;');
    lines.push('');
    // Sanity: every IDL event has a Codama event node of the same name.
    const names = new Set((program.events ?? []).map((e) => e.name));
    for (const e of idl.events ?? []) {
        if (!names.has(camel(e.name))) throw new Error(`Codama has no event ${camel(e.name)}`);
    }
    return lines.join('\n');
}

function listFiles(dir) {
    const out = [];
    const walk = (d) => {
        for (const name of readdirSync(d)) {
            const p = join(d, name);
            if (statSync(p).isDirectory()) walk(p);
            else out.push(relative(dir, p));
        }
    };
    if (existsSync(dir)) walk(dir);
    return out.sort();
}

if (check) {
    const tmp = mkdtempSync(join(tmpdir(), 'ls-codegen-'));
    try {
        await generate(tmp);
        const fresh = join(tmp, GENERATED);
        const current = join(APP, GENERATED);
        const a = listFiles(fresh);
        const b = listFiles(current);
        const problems = [];
        for (const f of a) if (!b.includes(f)) problems.push(`missing: ${GENERATED}/${f}`);
        for (const f of b) if (!a.includes(f)) problems.push(`not generated any more: ${GENERATED}/${f}`);
        for (const f of a) {
            if (b.includes(f) && readFileSync(join(fresh, f), 'utf8') !== readFileSync(join(current, f), 'utf8')) {
                problems.push(`differs: ${GENERATED}/${f}`);
            }
        }
        if (problems.length) {
            console.error(`codegen:check FAILED: ${GENERATED}/ is not what ../idl/liquid_staking.json generates:`);
            for (const p of problems) console.error(`  ${p}`);
            try {
                execFileSync('diff', ['-ru', current, fresh], { stdio: 'inherit' });
            } catch {
                /* diff exits 1 on differences */
            }
            console.error('run: npm run codegen');
            process.exit(1);
        }
        console.log(`codegen:check OK: ${a.length} files in ${GENERATED}/ match the IDL`);
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
} else {
    await generate(APP);
    console.log(`generated ${listFiles(join(APP, GENERATED)).length} files in ${GENERATED}/ from ../idl/liquid_staking.json`);
}
