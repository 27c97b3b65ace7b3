#!/usr/bin/env node
// End-to-end test of the web app against a running local chain (liquid-staking-localnet up).
//
//   npm run e2e -- --info /path/to/localnet.json [--cli PATH] [--chromium /usr/bin/chromium]
//                  [--port 4173] [--no-build] [--only TEXT] [--headed] [--keep]
//
// Builds the app (vite build), writes dist/config.json from the info file, serves it (vite preview),
// opens Debian's Chromium through playwright-core with a Wallet Standard TEST wallet injected
// (e2e/test-wallet.js: a throwaway Ed25519 key funded by airdrop, WebCrypto signing, an approval
// delay and a reject mode) and drives every flow. Amounts shown by the page are compared to the
// lamport with what lands on chain. Screenshots of every page at 1280x800 and 390x844 go to
// e2e/screenshots/. Prints PASS/FAIL per check; exits 1 on any failure.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { webcrypto } from 'node:crypto';

import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import {
    address,
    createSolanaRpc,
    getAddressDecoder,
    getBase58Encoder,
    getBase64Encoder,
    lamports as toLamports,
} from '@solana/kit';

import { installTestWallet } from './test-wallet.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const APP = resolve(HERE, '..');
const execFileP = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Arguments

function usage(msg) {
    if (msg) console.error(`error: ${msg}`);
    console.error('usage: npm run e2e -- --info <localnet.json> [--cli PATH] [--chromium PATH] [--port N] [--no-build] [--only TEXT] [--headed] [--keep]');
    process.exit(2);
}
const args = { port: 4173, build: true, chromium: '/usr/bin/chromium', headed: false, keep: false, only: null };
{
    const a = process.argv.slice(2);
    for (let i = 0; i < a.length; i++) {
        const v = () => (i + 1 < a.length ? a[++i] : usage(`${a[i]} needs a value`));
        if (a[i] === '--info') args.info = v();
        else if (a[i] === '--cli') args.cli = v();
        else if (a[i] === '--chromium') args.chromium = v();
        else if (a[i] === '--port') args.port = Number(v());
        else if (a[i] === '--no-build') args.build = false;
        else if (a[i] === '--only') args.only = v();
        else if (a[i] === '--headed') args.headed = true;
        else if (a[i] === '--keep') args.keep = true;
        else if (a[i] === '--help' || a[i] === '-h') usage();
        else usage(`unknown argument ${a[i]}`);
    }
}
if (!args.info) usage('--info is required');
const infoPath = resolve(args.info);
const info = JSON.parse(readFileSync(infoPath, 'utf8'));
for (const k of ['rpcUrl', 'wsUrl', 'pool']) if (!info[k]) usage(`${infoPath} has no ${k}`);
const rel = (p) => (p ? resolve(dirname(infoPath), p) : null);
const authorityKeypair = rel(info.authorityKeypair ?? info.authority);
args.cli ??= process.env.LIQUID_STAKING_CLI ?? [resolve(APP, '../target/debug/liquid-staking'), '/tmp/webapp-chain/liquid-staking'].find(existsSync);

const rpc = createSolanaRpc(info.rpcUrl);
const SHOTS = join(APP, 'e2e/screenshots');
mkdirSync(SHOTS, { recursive: true });

// ---------------------------------------------------------------------------------------------
// Reporting

const results = [];
const t0 = Date.now();
const log = (...m) => console.log(`# [${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...m);
async function check(name, fn) {
    // --only keeps the checks every other one builds on (load, connect, a first deposit).
    const base = /^(app loads|connect the|stake: LST)/.test(name);
    if (args.only && !name.includes(args.only) && !base) return;
    const started = Date.now();
    try {
        await fn();
        results.push({ name, ok: true });
        console.log(`PASS ${name} (${Date.now() - started} ms)`);
    } catch (e) {
        results.push({ name, ok: false, error: e });
        console.log(`FAIL ${name}: ${e?.stack ?? e}`);
        if (page) await page.screenshot({ path: join(SHOTS, `FAIL-${name.replace(/\W+/g, '_')}.png`) }).catch(() => {});
    }
}
function assert(cond, msg) {
    if (!cond) throw new Error(msg);
}
function assertEq(a, b, msg) {
    if (a !== b) throw new Error(`${msg}: expected ${b}, got ${a}`);
}

// ---------------------------------------------------------------------------------------------
// Chain helpers (standard JSON-RPC)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const balance = async (a) => (await rpc.getBalance(address(a), { commitment: 'confirmed' }).send()).value;
async function tokenBalance(owner, mint) {
    const { value } = await rpc
        .getTokenAccountsByOwner(address(owner), { mint: address(mint) }, { encoding: 'jsonParsed', commitment: 'confirmed' })
        .send();
    return value.reduce((s, a) => s + BigInt(a.account.data.parsed.info.tokenAmount.amount), 0n);
}
async function signatureCount(a) {
    return (await rpc.getSignaturesForAddress(address(a), { limit: 1000, commitment: 'confirmed' }).send()).length;
}
async function epochInfo() {
    return rpc.getEpochInfo({ commitment: 'confirmed' }).send();
}
/** The pool's last_update_epoch, read through the CLI (no layout here). */
async function cli(...a) {
    assert(args.cli && existsSync(args.cli), `the CLI is needed (--cli or LIQUID_STAKING_CLI); looked at ${args.cli}`);
    const { stdout } = await execFileP(args.cli, ['--url', info.rpcUrl, '--output', 'json', ...a], { timeout: 120_000 });
    return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).pop();
}
/** Waits for a stretch of the epoch in which nothing but our own transaction moves the pool: the
 *  crank's update and rebalance at the epoch's start are done (`minIndex` slots in, pool fresh),
 *  and at least `minLeft` slots remain (the crank bot rebalances again once the last quarter
 *  begins, which moves the reserve and so the instant-exit fee). */
async function waitSafeWindow({ minIndex = 12, minLeft = 26 } = {}) {
    for (let i = 0; i < 240; i++) {
        const e = await epochInfo();
        const left = Number(e.slotsInEpoch - e.slotIndex);
        const fresh = await page.getAttribute('[data-testid=pool-fresh]', 'data-fresh').catch(() => null);
        if (Number(e.slotIndex) >= minIndex && left >= minLeft && fresh === 'yes') {
            await sleep(1_000); // let the page's subscriptions deliver the latest reserve and pool
            return;
        }
        await sleep(500);
    }
    throw new Error('no safe window (pool never fresh?)');
}
async function waitForEpoch(target) {
    for (;;) {
        const e = await epochInfo();
        if (e.epoch >= target) return;
        await sleep(2_000);
    }
}

// ---------------------------------------------------------------------------------------------
// Page helpers

let browser;
let page;
const amountOf = (text) => {
    const m = /([\d,]+\.\d{9})/.exec(text ?? '');
    assert(m, `no amount in "${text}"`);
    return BigInt(m[1].replace(/[,.]/g, ''));
};
async function text(testId) {
    return (await page.locator(`[data-testid=${testId}]`).first().textContent()) ?? '';
}
async function go(name) {
    await page.click(`[data-testid=nav-${name}]`);
}
async function flowResult(timeout = 120_000) {
    const status = page.locator('[data-testid=flow-status]').first();
    await status.waitFor({ timeout: 10_000 });
    await page.waitForFunction(
        () => {
            const s = document.querySelector('[data-testid=flow-status]');
            return s && s.getAttribute('data-phase') !== 'busy';
        },
        null,
        { timeout },
    );
    return {
        phase: await status.getAttribute('data-phase'),
        kind: await status.getAttribute('data-kind'),
        signature: await status.getAttribute('data-signature'),
        text: (await status.textContent()) ?? '',
    };
}
/** The generated client (src/generated, TypeScript, loaded through tsx): decodes what the app sent. */
const generated = await tsImport('../src/generated/index.ts', import.meta.url);
/** The arguments of the program's `kind` instruction (e.g. 'Unstake') in a landed transaction. */
async function sentInstructionArgs(signature, kind) {
    const tx = await rpc
        .getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0, encoding: 'json' })
        .send();
    assert(tx, `transaction ${signature} not found`);
    const keys = tx.transaction.message.accountKeys;
    for (const ix of tx.transaction.message.instructions) {
        if (keys[ix.programIdIndex] !== generated.LIQUID_STAKING_PROGRAM_ADDRESS) continue;
        const data = getBase58Encoder().encode(ix.data);
        if (generated.identifyLiquidStakingInstruction(data) !== generated.LiquidStakingInstruction[kind]) continue;
        return generated[`get${kind}InstructionDataDecoder`]().decode(data);
    }
    throw new Error(`no ${kind} instruction in ${signature}`);
}
/** The app's default slippage tolerance (Settings, 50 bps) taken off an amount, rounded against
 *  the user, as sdk::quote::with_slippage. */
const lessSlippage = (x, slippageBps = 50n) => x - (x * slippageBps + 9_999n) / 10_000n;

async function walletCounters() {
    return page.evaluate(() => ({ requests: window.__testWallet.requests, signed: window.__testWallet.signed }));
}
async function connect() {
    await page.click('[data-testid=wallet-connect]');
    await page.click('[data-testid="wallet-option-E2E Test Wallet"]');
    await page.waitForSelector('[data-testid=wallet-connected]');
}
async function disconnect() {
    await page.click('[data-testid=wallet-disconnect]');
    await page.waitForSelector('[data-testid=wallet-connect]');
}
async function waitText(testId, pred, timeout = 60_000) {
    const end = Date.now() + timeout;
    let last = '';
    while (Date.now() < end) {
        last = await text(testId).catch(() => '');
        if (pred(last)) return last;
        await sleep(250);
    }
    throw new Error(`${testId} never satisfied the condition (last: "${last}")`);
}
/** Something that must send nothing: the flow shows `kind`, no signature was asked for (unless
 *  `asked`), and no transaction of the wallet landed. */
async function expectRefusal(kind, submit, { asked = false } = {}) {
    const before = await walletCounters();
    const sigs = await signatureCount(wallet.address);
    await submit();
    const r = await flowResult();
    assertEq(r.phase, 'error', `phase (${r.text})`);
    assertEq(r.kind, kind, `error kind (${r.text})`);
    const after = await walletCounters();
    assertEq(after.signed, before.signed, 'signatures given by the wallet');
    if (!asked) assertEq(after.requests, before.requests, 'signature requests to the wallet');
    await sleep(1_500);
    assertEq(await signatureCount(wallet.address), sigs, 'transactions of the wallet on chain');
    return r;
}

// ---------------------------------------------------------------------------------------------
// Wallet key

async function makeWallet() {
    const kp = await webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', kp.privateKey));
    const raw = new Uint8Array(await webcrypto.subtle.exportKey('raw', kp.publicKey));
    return {
        address: getAddressDecoder().decode(raw),
        pkcs8B64: Buffer.from(pkcs8).toString('base64'),
        publicKeyB64: Buffer.from(raw).toString('base64'),
    };
}
let wallet;

// ---------------------------------------------------------------------------------------------
// Build and serve

let server;
async function buildAndServe() {
    if (args.build) {
        log('vite build');
        await execFileP('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: APP, timeout: 300_000 });
    }
    const config = { rpcUrl: info.rpcUrl, wsUrl: info.wsUrl, pool: info.pool, cluster: 'localnet', programId: info.programId, lstMint: info.lstMint };
    writeFileSync(join(APP, 'dist/config.json'), JSON.stringify(config, null, 2));
    server = spawn('npx', ['vite', 'preview', '--port', String(args.port), '--strictPort', '--host', '127.0.0.1'], {
        cwd: APP,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
    });
    const url = `http://127.0.0.1:${args.port}/`;
    for (let i = 0; i < 60; i++) {
        try {
            if ((await fetch(url)).ok) return url;
        } catch {
            /* not yet */
        }
        await sleep(500);
    }
    throw new Error('vite preview did not start');
}

// ---------------------------------------------------------------------------------------------

async function main() {
    log(`chain ${info.rpcUrl}, pool ${info.pool}, CLI ${args.cli ?? 'none'}`);
    wallet = await makeWallet();
    log(`test wallet ${wallet.address}`);
    const sig = await rpc.requestAirdrop(address(wallet.address), toLamports(50_000_000_000n), { commitment: 'confirmed' }).send();
    for (let i = 0; i < 60 && (await balance(wallet.address)) === 0n; i++) await sleep(500);
    log(`airdrop ${sig}: ${await balance(wallet.address)} lamports`);

    // A second pool nobody cranks: stale from the next epoch on (for the stale-pool check).
    let stalePool = null;
    if (authorityKeypair && args.cli) {
        try {
            const out = await cli('-k', authorityKeypair, 'pool', 'create');
            stalePool = out?.pool ?? out?.address ?? null;
            log(`second (uncranked) pool ${stalePool}`);
        } catch (e) {
            log(`could not create a second pool: ${e.message}`);
        }
    }

    const url = await buildAndServe();
    const profile = mkdtempSync(join(tmpdir(), 'ls-e2e-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
        executablePath: args.chromium,
        headless: !args.headed,
        viewport: { width: 1280, height: 800 },
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => {
        if (m.type() === 'error') log(`browser: ${m.text()}`);
    });
    await page.addInitScript(installTestWallet, { address: wallet.address, pkcs8B64: wallet.pkcs8B64, publicKeyB64: wallet.publicKeyB64, chains: ['solana:localnet'] });
    await page.goto(url);
    const lstMint = info.lstMint;

    await check('app loads the pool from /config.json and shows the epoch', async () => {
        await page.waitForSelector('[data-testid=pool-fresh]', { timeout: 30_000 });
        await waitText('epoch', (t) => /epoch \d+/.test(t));
    });

    await check('connect the Wallet Standard test wallet', async () => {
        await connect();
        await waitText('balance-sol', (t) => amountOf(t) === 50_000_000_000n);
    });

    const quoted = {};
    await check('stake: LST minted equals the quote to the unit', async () => {
        await go('stake');
        await waitSafeWindow();
        const before = await tokenBalance(wallet.address, lstMint);
        await page.fill('[data-testid=stake-amount]', '10');
        const q = amountOf(await waitText('stake-lst-out', (t) => /\d/.test(t)));
        await page.click('[data-testid=stake-submit]');
        const r = await flowResult();
        assertEq(r.phase, 'done', `stake (${r.text})`);
        const after = await tokenBalance(wallet.address, lstMint);
        assertEq(after - before, q, 'LST minted vs quote');
        await waitText('balance-lst', (t) => amountOf(t) === after);
        quoted.stake = q;
    });

    await check('instant exit: SOL received equals the quote (less the 5000-lamport fee)', async () => {
        await go('unstake');
        await page.click('[data-testid=route-instant]');
        await waitSafeWindow();
        const before = await balance(wallet.address);
        await page.fill('[data-testid=unstake-amount]', '1');
        const q = amountOf(await waitText('instant-out', (t) => /\d/.test(t)));
        await page.click('[data-testid=unstake-submit]');
        const r = await flowResult();
        assertEq(r.phase, 'done', `instant (${r.text})`);
        assertEq((await balance(wallet.address)) - before, q - 5000n, 'SOL received vs quote');
    });

    const tickets = [];
    await check('delayed exit: the ticket owes the quote, claimable next epoch', async () => {
        await page.click('[data-testid=route-delayed]');
        await waitSafeWindow();
        await page.fill('[data-testid=unstake-amount]', '2');
        const q = amountOf(await waitText('delayed-out', (t) => /\d/.test(t)));
        const claimEpoch = BigInt((await text('delayed-claim-epoch')).trim());
        await page.click('[data-testid=unstake-submit]');
        const r = await flowResult();
        assertEq(r.phase, 'done', `ticket (${r.text})`);
        await go('tickets');
        const row = page.locator('[data-testid=ticket-row]').first();
        await row.waitFor({ timeout: 30_000 });
        assertEq(amountOf(await row.locator('[data-testid=ticket-lamports]').textContent()), q, 'ticket lamports on the page vs quote');
        const ticket = await row.getAttribute('data-ticket');
        const acct = await rpc.getAccountInfo(address(ticket), { encoding: 'base64', commitment: 'confirmed' }).send();
        assert(acct.value, 'the ticket account exists');
        tickets.push({ address: ticket, lamports: q, claimEpoch });
        await go('unstake');
    });

    await check('exit as a stake account: the new stake account holds rent + the quote', async () => {
        await go('unstake');
        await page.click('[data-testid=route-stake]');
        await page.waitForSelector('[data-testid=stake-validator] option', { state: 'attached', timeout: 30_000 });
        await waitSafeWindow();
        await page.fill('[data-testid=unstake-amount]', '2');
        const q = amountOf(await waitText('stake-out', (t) => /\d/.test(t)));
        await page.click('[data-testid=unstake-submit]');
        const r = await flowResult();
        assertEq(r.phase, 'done', `withdraw stake (${r.text})`);
        const stakeAccount = /into ([1-9A-HJ-NP-Za-km-z]{32,44})/.exec(r.text)?.[1];
        assert(stakeAccount, `the new stake account in "${r.text}"`);
        const rent = await rpc.getMinimumBalanceForRentExemption(200n).send();
        assertEq(await balance(stakeAccount), rent + q, 'stake account lamports vs rent + quote');
    });

    await check('one-call exit: instant part paid now and ticket part as quoted', async () => {
        await page.click('[data-testid=route-unstake]');
        await page.fill('[data-testid=max-fee]', '0.30');
        await waitSafeWindow();
        const before = await balance(wallet.address);
        await page.fill('[data-testid=unstake-amount]', '3');
        const total = amountOf(await waitText('onecall-total', (t) => /\d/.test(t)));
        const instantText = await text('onecall-instant');
        const instantOut = amountOf(instantText.split('→')[1]);
        const ticketOut = amountOf((await text('onecall-ticket')).split('→')[1]);
        assertEq(instantOut + ticketOut, total, 'parts add up');
        const minInstant = amountOf(await text('onecall-min-instant'));
        const minTotal = amountOf(await text('onecall-min-total'));
        assertEq(minInstant, lessSlippage(instantOut), 'least accepted now vs instant part less slippage');
        assertEq(minTotal, lessSlippage(total), 'least accepted in total vs total less slippage');
        await page.click('[data-testid=unstake-submit]');
        const r = await flowResult();
        assertEq(r.phase, 'done', `unstake (${r.text})`);
        const sent = await sentInstructionArgs(r.signature, 'Unstake');
        assertEq(sent.lstAmount, 3_000_000_000n, 'lst_amount sent');
        assertEq(sent.minInstantLamportsOut, minInstant, 'min_instant_lamports_out sent vs the page');
        assertEq(sent.minLamportsOut, minTotal, 'min_lamports_out sent vs the page');
        // Every ticket has the same size, so the same rent: read it from the first ticket.
        assert(tickets[0]?.address, 'the delayed-exit ticket (for its rent)');
        const ticketRent = ticketOut > 0n ? (await rpc.getAccountInfo(address(tickets[0].address), { encoding: 'base64', commitment: 'confirmed' }).send()).value.lamports : 0n;
        const delta = (await balance(wallet.address)) - before;
        // SOL now = instant part - fee - ticket rent (the rent is the Ticket's, from its size in the IDL)
        assertEq(delta, instantOut - 5000n - ticketRent, 'SOL received now vs quote');
        if (ticketOut > 0n) tickets.push({ lamports: ticketOut });
    });

    await check('one-call exit: instant exits paused after the quote: InstantPartBelowMinimum, no LST moves', async () => {
        // The pause lands while the wallet holds the signature (after the app's simulation): the
        // program would turn the whole exit into a ticket, and the instant part's bound refuses it.
        await page.click('[data-testid=route-unstake]');
        await page.fill('[data-testid=max-fee]', '10.00');
        await waitSafeWindow({ minIndex: 12, minLeft: 48 });
        await page.fill('[data-testid=unstake-amount]', '0.5');
        const instantOut = amountOf((await waitText('onecall-instant', (t) => /→/.test(t))).split('→')[1]);
        assert(instantOut > 0n, 'a quote with an instant part');
        const lstBefore = await tokenBalance(wallet.address, lstMint);
        const solBefore = await balance(wallet.address);
        const counters = await walletCounters();
        const holdMs = 12_000;
        await page.evaluate((ms) => (window.__testWallet.delayMs = ms), holdMs);
        try {
            await page.click('[data-testid=unstake-submit]');
            const end = Date.now() + 30_000;
            while ((await walletCounters()).requests === counters.requests) {
                assert(Date.now() < end, 'the wallet was never asked to sign');
                await sleep(100);
            }
            const asked = Date.now();
            await cli('-k', authorityKeypair, 'pause', '--instant-exits', '--pool', info.pool);
            assert(Date.now() - asked < holdMs - 1_000, `the pause took ${Date.now() - asked} ms, longer than the wallet held the signature`);
            const r = await flowResult();
            assertEq(r.phase, 'error', `phase (${r.text})`);
            assertEq(r.kind, 'InstantPartBelowMinimum', `error kind (${r.text})`);
            assertEq((await walletCounters()).signed, counters.signed + 1, 'the wallet signed');
            await sleep(1_500);
            assertEq(await tokenBalance(wallet.address, lstMint), lstBefore, 'LST of the wallet');
            const paid = solBefore - (await balance(wallet.address));
            assert(paid === 0n || paid === 5000n, `SOL of the wallet: nothing, or the network fee of a failed transaction (paid ${paid})`);
            log(`one-call exit refused by InstantPartBelowMinimum (${paid === 0n ? 'at preflight, nothing landed' : 'on chain, fee paid'})`);
        } finally {
            await page.evaluate(() => (window.__testWallet.delayMs = 0));
            await cli('-k', authorityKeypair, 'unpause', '--instant-exits', '--pool', info.pool);
        }
        await page.waitForSelector('[data-testid=notice-instant-paused]', { state: 'detached', timeout: 30_000 });
    });

    await check('a signature approved after a 20 s wait still lands', async () => {
        await go('stake');
        await waitSafeWindow({ minIndex: 10, minLeft: 48 });
        await page.evaluate(() => (window.__testWallet.delayMs = 20_000));
        const before = await tokenBalance(wallet.address, lstMint);
        await page.fill('[data-testid=stake-amount]', '0.5');
        const q = amountOf(await waitText('stake-lst-out', (t) => /\d/.test(t)));
        const started = Date.now();
        await page.click('[data-testid=stake-submit]');
        const r = await flowResult(180_000);
        await page.evaluate(() => (window.__testWallet.delayMs = 0));
        assertEq(r.phase, 'done', `delayed approval (${r.text})`);
        assert(Date.now() - started >= 20_000, 'the approval waited 20 s');
        const minted = (await tokenBalance(wallet.address, lstMint)) - before;
        // Nothing moves the rate in the window (60+ slots before the boundary, no other exits).
        assertEq(minted, q, 'LST minted after a 20 s approval vs quote');
    });

    await check('wrong network: a devnet wallet account is refused, nothing sent', async () => {
        await page.evaluate(() => (window.__testWallet.chains = ['solana:devnet']));
        await disconnect();
        await connect();
        await page.waitForSelector('[data-testid=banner-wrong-network]');
        await page.fill('[data-testid=stake-amount]', '0.1');
        await expectRefusal('wrong-network', () => page.click('[data-testid=stake-submit]'));
        await page.evaluate(() => (window.__testWallet.chains = ['solana:localnet']));
        await disconnect();
        await connect();
        await page.waitForSelector('[data-testid=banner-wrong-network]', { state: 'detached' });
    });

    await check('rejected signature: clear message, nothing sent', async () => {
        await waitSafeWindow();
        await page.evaluate(() => (window.__testWallet.mode = 'reject'));
        await page.fill('[data-testid=stake-amount]', '0.1');
        await expectRefusal('rejected', () => page.click('[data-testid=stake-submit]'), { asked: true });
        await page.evaluate(() => (window.__testWallet.mode = 'approve'));
    });

    await check('insufficient balance: refused before the wallet, nothing sent', async () => {
        await page.fill('[data-testid=stake-amount]', '1000000');
        await expectRefusal('insufficient', () => page.click('[data-testid=stake-submit]'));
        await go('unstake');
        await page.click('[data-testid=route-delayed]');
        await page.fill('[data-testid=unstake-amount]', '1000000');
        await expectRefusal('insufficient', () => page.click('[data-testid=unstake-submit]'));
        await go('stake');
    });

    await check('paused deposits: notice shown, deposit refused, nothing sent', async () => {
        await cli('-k', authorityKeypair, 'pause', '--deposits', '--pool', info.pool);
        try {
            await page.waitForSelector('[data-testid=notice-deposits-paused]', { timeout: 30_000 });
            await page.fill('[data-testid=stake-amount]', '0.1');
            await expectRefusal('DepositsPaused', () => page.click('[data-testid=stake-submit]'));
        } finally {
            await cli('-k', authorityKeypair, 'unpause', '--deposits', '--pool', info.pool);
        }
        await page.waitForSelector('[data-testid=notice-deposits-paused]', { state: 'detached', timeout: 30_000 });
    });

    await check('stale pool: notice shown, deposit refused, nothing sent', async () => {
        assert(stalePool, 'a second pool could not be created (needs the CLI and the authority keypair)');
        const created = (await epochInfo()).epoch;
        await waitForEpoch(created + 1n);
        await page.goto(`${url}?pool=${stalePool}#/stake`);
        await page.waitForSelector('[data-testid=wallet-connect]');
        await connect();
        await page.waitForSelector('[data-testid=notice-stale]', { timeout: 30_000 });
        await page.fill('[data-testid=stake-amount]', '0.1');
        await expectRefusal('PoolStale', () => page.click('[data-testid=stake-submit]'));
        await page.goto(`${url}#/stake`);
        await connect();
    });

    await check('validators: a commission, credits, score and state for each validator, as the list on chain', async () => {
        await go('validators');
        await page.waitForSelector('[data-testid=validator-state]', { timeout: 30_000 });
        // The whole list decoded in Node by the generated full-struct decoder (the page reads slices).
        const U64_MAX = 0xffff_ffff_ffff_ffffn;
        const expected = async () => {
            const pool = generated.getPoolDecoder().decode(
                getBase64Encoder().encode((await rpc.getAccountInfo(address(info.pool), { encoding: 'base64', commitment: 'confirmed' }).send()).value.data[0]),
            );
            const acct = (await rpc.getAccountInfo(pool.validatorList, { encoding: 'base64', commitment: 'confirmed' }).send()).value;
            const list = generated.getValidatorListDecoder().decode(getBase64Encoder().encode(acct.data[0]));
            const { epoch } = await epochInfo();
            return list.entries.slice(0, list.count).map((e, i) => {
                const r = list.records[i];
                const c = r.commissionBps.find((x) => x !== 0xffff);
                const kind =
                    e.flags & 4 ? 'blocklisted'
                    : r.watchedSinceEpoch === U64_MAX ? 'never-read'
                    : !(e.flags & 2) ? 'eligible'
                    : r.reason === 0 || epoch < r.eligibleFromEpoch ? 'cooling-off'
                    : 'ineligible';
                return { vote: e.voteAccount, commission: c === undefined ? '—' : `${(c / 100).toFixed(2)}%`, kind };
            });
        };
        const shown = async () =>
            page.$$eval('[data-testid=validator-row]', (rows) =>
                rows.map((r) => ({
                    vote: r.getAttribute('data-vote'),
                    kind: r.getAttribute('data-state'),
                    commission: r.querySelector('[data-testid=validator-commission]')?.textContent ?? '',
                    state: (r.querySelector('[data-testid=validator-state]')?.innerText ?? '').replace(/\s*\n\s*/g, '; '),
                    credits: r.querySelector('[data-testid=validator-credits]')?.textContent ?? '',
                    score: r.querySelector('[data-testid=validator-score]')?.textContent ?? '',
                })),
            );
        // The crank may read the vote accounts meanwhile: until both sides agree, 60 s at most.
        let want = [];
        let got = [];
        const end = Date.now() + 60_000;
        for (;;) {
            want = await expected();
            got = await shown();
            const agree =
                want.length > 0 &&
                got.length === want.length &&
                want.every((w, i) => got[i].vote === w.vote && got[i].kind === w.kind && got[i].commission.startsWith(w.commission));
            if (agree || Date.now() > end) break;
            await sleep(1_000);
        }
        assert(want.length > 0, 'the pool has validators');
        assertEq(got.length, want.length, 'validator rows');
        const headers = await page.$$eval('[data-testid=validators] thead th', (ths) => ths.map((t) => t.textContent));
        for (const h of ['Commission', 'Credits (last epochs)', 'Score', 'State']) assert(headers.includes(h), `a ${h} column (${headers.join(', ')})`);
        want.forEach((w, i) => {
            const g = got[i];
            assertEq(g.vote, w.vote, `row ${i} vote account`);
            assert(/^(\d+\.\d{2}%|—)/.test(g.commission), `row ${i} commission "${g.commission}"`);
            assert(g.commission.startsWith(w.commission), `row ${i} commission "${g.commission}" vs the record's ${w.commission}`);
            assertEq(g.kind, w.kind, `row ${i} state`);
            assert(g.state.trim().length > 0, `row ${i} state text`);
            assert(g.credits.trim().length > 0 && g.score.trim().length > 0, `row ${i} credits and score`);
        });
        log(`validators: ${got.map((g) => `${g.vote.slice(0, 4)} ${g.commission} ${g.state}`).join('; ')}`);
        await page.waitForSelector('[data-testid=validator-rules]', { timeout: 10_000 });
        assert(/\d+\.\d{2}%/.test(await text('rule-maxCommissionBps')), 'the max commission in force');
        // The local pool runs in hand mode: the targets are the operator's weights, no selection.
        assertEq(await text('targets-mode'), "the operator's weights", 'where the targets come from');
        assertEq(await page.locator('[data-testid=targets-selection]').count(), 0, 'no last selection in hand mode');
        assertEq(await page.locator('[data-testid=validator-selection]').count(), 0, 'no per-validator selection in hand mode');
        await page.screenshot({ path: join(SHOTS, 'validators-desktop.png'), fullPage: true });
    });

    await check('screenshots of every page at desktop and phone widths', async () => {
        for (const [w, h, tag] of [
            [1280, 800, 'desktop'],
            [390, 844, 'phone'],
        ]) {
            await page.setViewportSize({ width: w, height: h });
            for (const p of ['stake', 'unstake', 'tickets', 'stats', 'validators', 'settings']) {
                await go(p);
                if (p === 'stats') await page.waitForSelector('[data-testid=history-chart]', { timeout: 60_000 }).catch(() => {});
                if (p === 'validators') await page.waitForSelector('[data-testid=validator-state]', { timeout: 30_000 }).catch(() => {});
                if (p === 'unstake') await page.fill('[data-testid=unstake-amount]', '1');
                if (p === 'stake') await page.fill('[data-testid=stake-amount]', '1');
                await sleep(500);
                await page.screenshot({ path: join(SHOTS, `${p}-${tag}.png`), fullPage: true });
            }
        }
        await page.setViewportSize({ width: 1280, height: 800 });
    });

    await check('claim tickets once their epoch has come and the reserve holds the SOL', async () => {
        assert(tickets.length > 0, 'no ticket was opened');
        await go('tickets');
        const deadline = Date.now() + 240_000;
        let claimed = 0;
        while (Date.now() < deadline) {
            const rows = page.locator('[data-testid=ticket-row][data-claimable=yes]');
            if ((await rows.count()) > 0) {
                const row = rows.first();
                const owed = amountOf(await row.locator('[data-testid=ticket-lamports]').textContent());
                const ticket = await row.getAttribute('data-ticket');
                const rent = (await rpc.getAccountInfo(address(ticket), { commitment: 'confirmed', encoding: 'base64' }).send()).value.lamports;
                const before = await balance(wallet.address);
                await row.locator('[data-testid=ticket-claim]').click();
                const r = await flowResult();
                assertEq(r.phase, 'done', `claim (${r.text})`);
                assertEq((await balance(wallet.address)) - before, owed + rent - 5000n, 'SOL claimed vs ticket + rent - fee');
                claimed++;
                await page.waitForSelector(`[data-ticket="${ticket}"]`, { state: 'detached', timeout: 30_000 });
                if (claimed === tickets.length) break;
            } else {
                await sleep(2_000);
            }
        }
        assertEq(claimed, tickets.length, 'tickets claimed');
    });

    await check('pool stats: the chart has a point per settled epoch', async () => {
        await go('stats');
        await page.waitForSelector('[data-testid=history-chart]', { timeout: 60_000 });
        const n = Number(await page.getAttribute('[data-testid=history-chart]', 'data-points'));
        assert(n >= 1, `points: ${n}`);
    });
}

let exitCode = 0;
try {
    await main();
} catch (e) {
    console.log(`FAIL setup: ${e?.stack ?? e}`);
    results.push({ name: 'setup', ok: false });
} finally {
    await browser?.close().catch(() => {});
    if (server?.pid) {
        try {
            process.kill(-server.pid, 'SIGTERM');
        } catch {
            /* gone */
        }
    }
    const failed = results.filter((r) => !r.ok);
    console.log(failed.length ? `FAILED: ${failed.length} of ${results.length} checks` : `OK: ${results.length} checks passed`);
    exitCode = failed.length ? 1 : 0;
}
void getBase64Encoder;
void rmSync;
process.exit(exitCode);
