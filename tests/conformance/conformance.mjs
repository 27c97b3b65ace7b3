#!/usr/bin/env node
// Conformance of the local chain with real client libraries: @solana/kit and @solana/web3.js 1.x.
//
//   node tests/conformance/conformance.mjs --info <chain+pool info JSON> [--cli <liquid-staking binary>]
//
// The info JSON needs rpcUrl, wsUrl, programId, pool, lstMint, authorityKeypair and faucetKeypair
// (see README.md). Every check runs with both libraries against the running chain; protocol
// actions go through the project's CLI (no account layouts or seeds of the protocol here).
// Prints `PASS name (N ms)` or `FAIL name: reason` per check, then a summary; exits 1 on any failure.

import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as web3 from '@solana/web3.js';
import {
    address,
    appendTransactionMessageInstruction,
    compileTransactionMessage,
    createKeyPairSignerFromBytes,
    createSolanaRpc,
    createSolanaRpcSubscriptions,
    createTransactionMessage,
    generateKeyPairSigner,
    getBase64Decoder,
    getCompiledTransactionMessageEncoder,
    getSignatureFromTransaction,
    lamports,
    pipe,
    sendAndConfirmTransactionFactory,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
} from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';

const HERE = dirname(fileURLToPath(import.meta.url));
const LAMPORTS_PER_SIGNATURE = 5000;

// ---------------------------------------------------------------------------------------------
// Arguments and setup

function usage(message) {
    if (message) console.error(`error: ${message}`);
    console.error(
        'usage: node conformance.mjs --info <info.json> [--cli <liquid-staking binary>] [--timeout <s>] [--blockhash-wait <s>] [--only <substring>] [--keep-temp] [--verbose]',
    );
    process.exit(2);
}

function parseArgs(argv) {
    const args = { timeout: 90, blockhashWait: 60, verbose: false, keepTemp: false, only: null };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) usage(`${a} needs a value`);
            return argv[++i];
        };
        if (a === '--info') args.info = value();
        else if (a === '--cli') args.cli = value();
        else if (a === '--timeout') args.timeout = Number(value());
        else if (a === '--blockhash-wait') args.blockhashWait = Number(value());
        else if (a === '--only') args.only = value();
        else if (a === '--keep-temp') args.keepTemp = true;
        else if (a === '--verbose' || a === '-v') args.verbose = true;
        else if (a === '--help' || a === '-h') usage();
        else usage(`unknown argument ${a}`);
    }
    if (!args.info) usage('--info is required');
    if (!(args.timeout > 0) || !(args.blockhashWait >= 0)) usage('--timeout and --blockhash-wait take seconds');
    return args;
}

const args = parseArgs(process.argv.slice(2));
const info = JSON.parse(readFileSync(args.info, 'utf8'));
for (const field of ['rpcUrl', 'wsUrl', 'programId', 'pool', 'lstMint', 'authorityKeypair', 'faucetKeypair']) {
    if (typeof info[field] !== 'string' || info[field] === '') usage(`${args.info} has no "${field}"`);
}
const infoDir = dirname(resolve(args.info));
const keypairPath = p => resolve(infoDir, p); // relative keypair paths are relative to the info file
const cliPath = resolve(args.cli ?? process.env.LIQUID_STAKING_CLI ?? join(HERE, '..', '..', 'target', 'debug', 'liquid-staking'));
if (!existsSync(cliPath)) usage(`no CLI at ${cliPath} (build it with \`cargo build -p liquid-staking-cli\` or pass --cli)`);

const tmp = mkdtempSync(join(tmpdir(), 'ls-conformance-'));
const t0 = performance.now();
const verbose = (...m) => args.verbose && console.log(`#    [${((performance.now() - t0) / 1000).toFixed(1)} s]`, ...m);

function readKeypairBytes(path) {
    const bytes = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(bytes) || bytes.length !== 64) throw new Error(`${path} is not a solana-cli keypair (a JSON array of 64 bytes)`);
    return Uint8Array.from(bytes);
}

/** A fresh keypair written in solana-cli format, usable by web3.js, kit and the CLI. */
async function freshWallet(name) {
    const keypair = web3.Keypair.generate();
    const path = join(tmp, `${name}.json`);
    writeFileSync(path, JSON.stringify(Array.from(keypair.secretKey)), { mode: 0o600 });
    const signer = await createKeyPairSignerFromBytes(keypair.secretKey);
    return { name, keypair, signer, path, publicKey: keypair.publicKey, address: signer.address };
}

// ---------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms, signal) =>
    new Promise((res, rej) => {
        if (signal?.aborted) return rej(signal.reason);
        const onAbort = () => (clearTimeout(t), rej(signal.reason));
        const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), res()), ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    });

/** Notifications pushed by a callback, awaited by a check (rejects when the check times out). */
function inbox() {
    const items = [];
    let wake = null;
    return {
        items,
        push(item) {
            items.push(item);
            wake?.();
        },
        async waitFor(predicate, signal) {
            for (let seen = 0; ; ) {
                for (; seen < items.length; seen++) if (predicate(items[seen])) return items[seen];
                signal.throwIfAborted();
                await new Promise(res => {
                    wake = res;
                    signal.addEventListener('abort', res, { once: true });
                });
                signal.removeEventListener('abort', wake);
                wake = null;
            }
        },
    };
}

/** An inbox fed by a kit subscription (an async iterable, ended by the check's abort signal). */
function kitInbox(stream) {
    const box = inbox();
    (async () => {
        for await (const n of stream) box.push(n);
    })().catch(() => {});
    return box;
}

/** Runs the project's CLI; resolves to its JSON output (the last JSON line on stdout). */
function runCli(cliArgs, signal) {
    return new Promise((res, rej) => {
        const child = spawn(cliPath, cliArgs, { signal, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', d => (out += d));
        child.stderr.on('data', d => (err += d));
        child.on('error', rej);
        child.on('close', code => {
            const lines = out.trim().split('\n').reverse();
            let json = null;
            for (const line of lines) {
                try {
                    json = JSON.parse(line);
                    break;
                } catch {}
            }
            verbose(`cli ${cliArgs.slice(4).join(' ')} (${basename(cliArgs[3])}) -> ${code}: ${out.trim().slice(0, 300)}`);
            if (code === 0 && json && !json.error) res(json);
            else rej(new Error(`CLI ${cliArgs.slice(6).join(' ')} exited ${code}: ${json?.error ?? (err.trim() || out.trim()).slice(-400)}`));
        });
    });
}

const cliBase = keypair => ['--url', info.rpcUrl, '--keypair', keypair, '--output', 'json'];

const crank = signal => runCli([...cliBase(keypairPath(info.authorityKeypair)), 'crank', '--pool', info.pool], signal);

/**
 * Deposits `sol` SOL into the pool with the CLI; resolves to its JSON output and the slot the deposit
 * landed in. Deposits need the pool cranked this epoch, and the local chain's epochs last ~10 s with
 * no crank bot: the crank runs before the deposit and every 2 s while the deposit is pending (a CLI
 * that waits for a fresh pool then gets one), and a deposit refused with PoolStale is tried again.
 */
async function cliDeposit(wallet, sol, signal) {
    for (let attempt = 1; ; attempt++) {
        await crank(signal).catch(e => verbose(`crank: ${e.message}`));
        const done = new AbortController();
        const deposit = runCli([...cliBase(wallet.path), 'deposit', String(sol), '--pool', info.pool], signal).finally(() => done.abort());
        const keeper = (async () => {
            const stop = AbortSignal.any([signal, done.signal]);
            while (!stop.aborted) {
                await sleep(2000, stop).catch(() => {});
                if (!stop.aborted) await crank(signal).catch(e => verbose(`crank: ${e.message}`));
            }
        })();
        try {
            const out = await deposit;
            await keeper;
            assert(typeof out.signature === 'string', `the CLI's deposit output has no signature: ${JSON.stringify(out)}`);
            const { value } = await connection.getSignatureStatus(out.signature);
            return { ...out, slot: value?.slot ?? 0 };
        } catch (e) {
            await keeper;
            if (attempt >= 5 || !/PoolStale/.test(e.message)) throw e;
            verbose(`deposit attempt ${attempt}: PoolStale`);
        }
    }
}

function assert(condition, message) {
    if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// Clients

const connection = new web3.Connection(info.rpcUrl, { commitment: 'confirmed', wsEndpoint: info.wsUrl });
const rpc = createSolanaRpc(info.rpcUrl);
const rpcSubscriptions = createSolanaRpcSubscriptions(info.wsUrl);
const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
const programId = new web3.PublicKey(info.programId);

/** Waits until web3.js has the server's id for a subscription (it subscribes in the background). */
async function web3SubscriptionReady(clientId, signal) {
    // web3.js 1.x does not expose this; its internal state is read when present, else a pause.
    const byId = connection._subscriptionHashByClientSubscriptionId;
    const byHash = connection._subscriptionsByHash;
    if (!byId || !byHash) return sleep(1500, signal);
    while (byHash[byId[clientId]]?.state !== 'subscribed') await sleep(20, signal);
}

/** A web3.js legacy transfer, sent and confirmed at `confirmed`. */
async function web3Transfer(from, to, lamportsAmount) {
    const tx = new web3.Transaction().add(web3.SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports: lamportsAmount }));
    return web3.sendAndConfirmTransaction(connection, tx, [from.keypair], { commitment: 'confirmed' });
}

/** A kit v0 transfer message (not yet signed). */
async function kitTransferMessage(from, to, amount, blockhash) {
    const latest = blockhash ?? (await rpc.getLatestBlockhash({ commitment: 'confirmed' }).send()).value;
    return pipe(
        createTransactionMessage({ version: 0 }),
        m => setTransactionMessageFeePayerSigner(from, m),
        m => setTransactionMessageLifetimeUsingBlockhash(latest, m),
        m => appendTransactionMessageInstruction(getTransferSolInstruction({ source: from, destination: to, amount: lamports(BigInt(amount)) }), m),
    );
}

async function kitTransfer(from, to, amount, signal) {
    const signed = await signTransactionMessageWithSigners(await kitTransferMessage(from, to, amount));
    await sendAndConfirm(signed, { commitment: 'confirmed', abortSignal: signal });
    return getSignatureFromTransaction(signed);
}

/** getTransaction right after confirmation; retried briefly, and how many tries it took is reported. */
async function pollUntil(what, fn, signal, { tries = 20, every = 250 } = {}) {
    for (let i = 1; ; i++) {
        const value = await fn();
        if (value != null) {
            if (i > 1) notes.push(`${what}: null ${i - 1} time(s) right after confirmation before an answer`);
            return value;
        }
        if (i >= tries) throw new Error(`${what} still null after ${tries} tries (${(tries * every) / 1000} s)`);
        await sleep(every, signal);
    }
}

// ---------------------------------------------------------------------------------------------
// Checks

const results = [];
const notes = [];
let wallets;

async function check(name, timeoutSeconds, fn) {
    if (args.only && !name.includes(args.only) && name !== 'setup') return;
    const controller = new AbortController();
    setMaxListeners(1000, controller.signal); // every CLI run, sleep and kit request listens to it
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutSeconds} s`)), timeoutSeconds * 1000);
    const aborted = new Promise((_, rej) => controller.signal.addEventListener('abort', () => rej(controller.signal.reason), { once: true }));
    const started = performance.now();
    const run = Promise.resolve().then(() => fn(controller.signal));
    run.catch(() => {});
    try {
        const detail = await Promise.race([run, aborted]);
        const ms = Math.round(performance.now() - started);
        console.log(`PASS ${name} (${ms} ms)`);
        if (detail) verbose(detail);
        results.push({ name, ok: true, ms });
    } catch (e) {
        const reason = (e?.message ?? String(e)).replace(/\s+/g, ' ');
        console.log(`FAIL ${name}: ${reason}${e?.cause?.message ? ` (cause: ${e.cause.message})` : ''}`);
        results.push({ name, ok: false, reason });
    } finally {
        clearTimeout(timer);
        controller.abort(new Error('check over'));
    }
}

async function setup(signal) {
    const faucet = { keypair: web3.Keypair.fromSecretKey(readKeypairBytes(keypairPath(info.faucetKeypair))) };
    faucet.publicKey = faucet.keypair.publicKey;
    readKeypairBytes(keypairPath(info.authorityKeypair)); // readable before anything runs
    wallets = {
        web3: await freshWallet('web3-sender'),
        kit: await freshWallet('kit-sender'),
        web3Late: await freshWallet('web3-late-signer'),
        kitLate: await freshWallet('kit-late-signer'),
        depositor: await freshWallet('depositor'),
    };
    // web3.js signs legacy transactions with getLatestBlockhash('finalized'). For the first ~32 slots
    // of a fresh chain nothing is finalized past slot 0, whose blockhash charges 0 lamports per
    // signature: wait for a finalized slot so the fee checks see what a running cluster charges.
    const waitStarted = performance.now();
    while ((await connection.getLatestBlockhashAndContext('finalized')).context.slot === 0) await sleep(500, signal);
    const waited = (performance.now() - waitStarted) / 1000;
    if (waited > 1) notes.push(`waited ${waited.toFixed(1)} s for a finalized slot past 0 (until then web3.js signs with slot 0's blockhash, which charges no fee)`);
    const SOL = web3.LAMPORTS_PER_SOL;
    const tx = new web3.Transaction();
    for (const [w, sol] of [
        [wallets.web3, 5],
        [wallets.kit, 5],
        [wallets.web3Late, 1],
        [wallets.kitLate, 1],
        [wallets.depositor, 20],
    ])
        tx.add(web3.SystemProgram.transfer({ fromPubkey: faucet.publicKey, toPubkey: w.publicKey, lamports: sol * SOL }));
    await web3.sendAndConfirmTransaction(connection, tx, [faucet.keypair], { commitment: 'confirmed' });
    signal.throwIfAborted();
    const balance = await connection.getBalance(wallets.depositor.publicKey, 'confirmed');
    assert(balance === 20 * SOL, `depositor holds ${balance} lamports after funding`);
    const poolAccount = await connection.getAccountInfo(new web3.PublicKey(info.pool), 'confirmed');
    assert(poolAccount?.owner.equals(programId), `pool ${info.pool} is not an account of ${info.programId}`);
    return `wallets in ${tmp}`;
}

// 1. Send, confirm, read back with getTransaction at `confirmed`.
async function web3SendAndGetTransaction(signal) {
    const to = web3.Keypair.generate().publicKey;
    const signature = await web3Transfer(wallets.web3, to, 10_000_000);
    const tx = await pollUntil(
        'web3.js getTransaction(confirmed)',
        () => connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }),
        signal,
    );
    assert(tx.meta?.err === null, `meta.err = ${JSON.stringify(tx.meta?.err)}`);
    assert(tx.transaction.signatures[0] === signature, 'first signature differs');
    assert(tx.version === 'legacy', `version ${tx.version}, expected legacy`);
    assert(tx.meta.fee === LAMPORTS_PER_SIGNATURE, `fee ${tx.meta.fee} (blockhash ${tx.transaction.message.recentBlockhash})`);
    return `signature ${signature}, slot ${tx.slot}`;
}

async function kitSendAndGetTransaction(signal) {
    const to = (await generateKeyPairSigner()).address;
    const signature = await kitTransfer(wallets.kit.signer, to, 10_000_000, signal);
    const tx = await pollUntil(
        'kit getTransaction(confirmed)',
        () => rpc.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0, encoding: 'json' }).send({ abortSignal: signal }),
        signal,
    );
    assert(tx.meta?.err === null, `meta.err = ${JSON.stringify(tx.meta?.err)}`);
    assert(tx.transaction.signatures[0] === signature, 'first signature differs');
    assert(Number(tx.meta.fee) === LAMPORTS_PER_SIGNATURE, `fee ${tx.meta.fee}`);
    return `signature ${signature}, slot ${tx.slot}`;
}

// 2. Account subscription sees SOL arriving.
async function web3AccountSubscription(signal) {
    const watched = web3.Keypair.generate().publicKey;
    const box = inbox();
    const id = connection.onAccountChange(watched, (account, ctx) => box.push({ account, ctx }), { commitment: 'confirmed' });
    try {
        await web3SubscriptionReady(id, signal);
        await web3Transfer(wallets.web3, watched, 20_000_000);
        const n = await box.waitFor(n => n.account.lamports === 20_000_000, signal);
        return `notification at slot ${n.ctx.slot}`;
    } finally {
        await connection.removeAccountChangeListener(id).catch(() => {});
    }
}

async function kitAccountSubscription(signal) {
    const watched = (await generateKeyPairSigner()).address;
    const box = kitInbox(await rpcSubscriptions.accountNotifications(watched, { commitment: 'confirmed', encoding: 'base64' }).subscribe({ abortSignal: signal }));
    await kitTransfer(wallets.kit.signer, watched, 20_000_000, signal);
    const n = await box.waitFor(n => n.value.lamports === 20_000_000n, signal);
    return `notification at slot ${n.context.slot}`;
}

// 3. Program subscription sees the pool change on a deposit (through the CLI).
async function web3ProgramSubscription(signal) {
    const box = inbox();
    const id = connection.onProgramAccountChange(programId, (keyed, ctx) => box.push({ keyed, ctx }), { commitment: 'confirmed', encoding: 'base64' });
    try {
        await web3SubscriptionReady(id, signal);
        const deposit = await cliDeposit(wallets.depositor, 1, signal);
        const n = await box.waitFor(n => n.keyed.accountId.toBase58() === info.pool && n.ctx.slot >= deposit.slot, signal);
        assert(n.keyed.accountInfo.owner.equals(programId), 'notified account is not owned by the program');
        return `pool notification at slot ${n.ctx.slot} for deposit ${deposit.signature} (slot ${deposit.slot})`;
    } finally {
        await connection.removeProgramAccountChangeListener(id).catch(() => {});
    }
}

async function kitProgramSubscription(signal) {
    const box = kitInbox(
        await rpcSubscriptions.programNotifications(address(info.programId), { commitment: 'confirmed', encoding: 'base64' }).subscribe({ abortSignal: signal }),
    );
    const deposit = await cliDeposit(wallets.depositor, 1, signal);
    const n = await box.waitFor(n => n.value.pubkey === info.pool && n.context.slot >= BigInt(deposit.slot), signal);
    assert(n.value.account.owner === info.programId, 'notified account is not owned by the program');
    return `pool notification at slot ${n.context.slot} for deposit ${deposit.signature} (slot ${deposit.slot})`;
}

// 4. Logs mentioning the program include the deposit's.
const isDepositLogs = (logs, signature) => logs.signature === signature && logs.logs.some(l => l.startsWith(`Program ${info.programId} invoke`));

async function web3LogsSubscription(signal) {
    const box = inbox();
    const id = connection.onLogs(programId, (logs, ctx) => box.push({ logs, ctx }), 'confirmed');
    try {
        await web3SubscriptionReady(id, signal);
        const deposit = await cliDeposit(wallets.depositor, 1, signal);
        const n = await box.waitFor(n => isDepositLogs(n.logs, deposit.signature), signal);
        assert(n.logs.err === null, `err ${JSON.stringify(n.logs.err)}`);
        return `${n.logs.logs.length} log lines for ${n.logs.signature}`;
    } finally {
        await connection.removeOnLogsListener(id).catch(() => {});
    }
}

async function kitLogsSubscription(signal) {
    const box = kitInbox(
        await rpcSubscriptions.logsNotifications({ mentions: [address(info.programId)] }, { commitment: 'confirmed' }).subscribe({ abortSignal: signal }),
    );
    const deposit = await cliDeposit(wallets.depositor, 1, signal);
    const n = await box.waitFor(n => isDepositLogs(n.value, deposit.signature), signal);
    assert(n.value.err === null, `err ${JSON.stringify(n.value.err)}`);
    return `${n.value.logs.length} log lines for ${n.value.signature}`;
}

// 5. jsonParsed token accounts: the depositor's LST.
async function ensureLst(signal) {
    const has = await connection.getParsedTokenAccountsByOwner(wallets.depositor.publicKey, { mint: new web3.PublicKey(info.lstMint) }, 'confirmed');
    if (!has.value.some(a => BigInt(a.account.data.parsed.info.tokenAmount.amount) > 0n)) await cliDeposit(wallets.depositor, 1, signal);
}

async function web3ParsedTokenAccounts(signal) {
    await ensureLst(signal);
    const byMint = await connection.getParsedTokenAccountsByOwner(wallets.depositor.publicKey, { mint: new web3.PublicKey(info.lstMint) }, 'confirmed');
    assert(byMint.value.length >= 1, 'no token account for the LST mint');
    // The same account through the token-program filter (the mint's owner, read from the chain).
    const tokenProgram = (await connection.getAccountInfo(new web3.PublicKey(info.lstMint), 'confirmed'))?.owner;
    assert(tokenProgram, `no LST mint account ${info.lstMint}`);
    const byProgram = await connection.getParsedTokenAccountsByOwner(wallets.depositor.publicKey, { programId: tokenProgram }, 'confirmed');
    assert(
        byMint.value.every(a => byProgram.value.some(b => b.pubkey.equals(a.pubkey))),
        'the mint filter lists an account the token-program filter does not',
    );
    for (const { account, pubkey } of byMint.value) {
        const data = account.data;
        assert(data.program === 'spl-token', `program ${data.program}`);
        assert(data.parsed.type === 'account', `type ${data.parsed.type}`);
        const i = data.parsed.info;
        assert(i.mint === info.lstMint, `mint ${i.mint}, expected ${info.lstMint}`);
        assert(i.owner === wallets.depositor.publicKey.toBase58(), `owner ${i.owner}`);
        assert(BigInt(i.tokenAmount.amount) > 0n, `LST balance ${i.tokenAmount.amount}`);
        assert(i.tokenAmount.decimals === 9, `decimals ${i.tokenAmount.decimals}`);
        return `${pubkey.toBase58()} holds ${i.tokenAmount.uiAmountString} LST`;
    }
}

async function kitParsedTokenAccounts(signal) {
    await ensureLst(signal);
    const { value } = await rpc
        .getTokenAccountsByOwner(wallets.depositor.address, { mint: address(info.lstMint) }, { encoding: 'jsonParsed', commitment: 'confirmed' })
        .send({ abortSignal: signal });
    assert(value.length >= 1, 'no token account for the LST mint');
    const { account, pubkey } = value[0];
    assert(account.data.program === 'spl-token', `program ${account.data.program}`);
    const i = account.data.parsed.info;
    assert(i.mint === info.lstMint, `mint ${i.mint}, expected ${info.lstMint}`);
    assert(i.owner === wallets.depositor.address, `owner ${i.owner}`);
    assert(BigInt(i.tokenAmount.amount) > 0n, `LST balance ${i.tokenAmount.amount}`);
    return `${pubkey} holds ${i.tokenAmount.uiAmountString} LST`;
}

// 6. A transaction signed `blockhashWait` seconds after its blockhash was fetched still lands.
async function blockhashExpiryContext(fetchedSlot, fetchedBlockHeight, lastValidBlockHeight) {
    const [slot, height] = await Promise.all([connection.getSlot('confirmed'), connection.getBlockHeight('confirmed')]);
    const msPerSlot = (args.blockhashWait * 1000) / Math.max(1, slot - fetchedSlot);
    return (
        `blockhash fetched at block height ${fetchedBlockHeight} (lastValidBlockHeight ${lastValidBlockHeight}), ` +
        `block height after ${args.blockhashWait} s: ${height}; ${Math.round(msPerSlot)} ms per slot measured, ` +
        `so a blockhash lives ~${Math.round(((lastValidBlockHeight - fetchedBlockHeight) * msPerSlot) / 1000)} s`
    );
}

async function web3LateSignature(signal) {
    const [latest, slot0, height0] = await Promise.all([
        connection.getLatestBlockhash('confirmed'),
        connection.getSlot('confirmed'),
        connection.getBlockHeight('confirmed'),
    ]);
    await sleep(args.blockhashWait * 1000, signal);
    const tx = new web3.Transaction({ feePayer: wallets.web3Late.publicKey, blockhash: latest.blockhash, lastValidBlockHeight: latest.lastValidBlockHeight });
    tx.add(web3.SystemProgram.transfer({ fromPubkey: wallets.web3Late.publicKey, toPubkey: web3.Keypair.generate().publicKey, lamports: 1_000_000 }));
    tx.sign(wallets.web3Late.keypair);
    try {
        const signature = await connection.sendRawTransaction(tx.serialize(), { preflightCommitment: 'confirmed' });
        const { value } = await connection.confirmTransaction({ signature, ...latest }, 'confirmed');
        assert(value.err === null, `err ${JSON.stringify(value.err)}`);
        return `landed ${signature}; ${await blockhashExpiryContext(slot0, height0, latest.lastValidBlockHeight)}`;
    } catch (e) {
        const why = (e.transactionMessage ?? e.message).replace(/\s+/g, ' ').trim();
        throw new Error(`${why}; ${await blockhashExpiryContext(slot0, height0, latest.lastValidBlockHeight)}`);
    }
}

async function kitLateSignature(signal) {
    const [{ value: latest }, slot0, height0] = await Promise.all([
        rpc.getLatestBlockhash({ commitment: 'confirmed' }).send({ abortSignal: signal }),
        connection.getSlot('confirmed'),
        connection.getBlockHeight('confirmed'),
    ]);
    await sleep(args.blockhashWait * 1000, signal);
    const signer = wallets.kitLate.signer;
    const message = await kitTransferMessage(signer, (await generateKeyPairSigner()).address, 1_000_000, latest);
    const signed = await signTransactionMessageWithSigners(message);
    try {
        await sendAndConfirm(signed, { commitment: 'confirmed', abortSignal: signal });
        return `landed ${getSignatureFromTransaction(signed)}; ${await blockhashExpiryContext(slot0, height0, Number(latest.lastValidBlockHeight))}`;
    } catch (e) {
        const why = [e.message, e.cause?.message].filter(Boolean).join(': ');
        throw new Error(`${why.replace(/\s+/g, ' ').trim()}; ${await blockhashExpiryContext(slot0, height0, Number(latest.lastValidBlockHeight))}`);
    }
}

// 7. A v0 message: getFeeForMessage prices it at 5000 lamports per signature; getTransaction says version 0.
async function web3V0Fee(signal) {
    const latest = await connection.getLatestBlockhash('confirmed');
    const message = new web3.TransactionMessage({
        payerKey: wallets.web3.publicKey,
        recentBlockhash: latest.blockhash,
        instructions: [web3.SystemProgram.transfer({ fromPubkey: wallets.web3.publicKey, toPubkey: web3.Keypair.generate().publicKey, lamports: 1_000_000 })],
    }).compileToV0Message();
    const expected = LAMPORTS_PER_SIGNATURE * message.header.numRequiredSignatures;
    const { value: fee } = await connection.getFeeForMessage(message, 'confirmed');
    assert(fee === expected, `getFeeForMessage = ${fee}, expected ${expected}`);
    const tx = new web3.VersionedTransaction(message);
    tx.sign([wallets.web3.keypair]);
    const signature = await connection.sendTransaction(tx, { preflightCommitment: 'confirmed' });
    const { value } = await connection.confirmTransaction({ signature, ...latest }, 'confirmed');
    assert(value.err === null, `err ${JSON.stringify(value.err)}`);
    const got = await pollUntil(
        'web3.js getTransaction(v0, confirmed)',
        () => connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }),
        signal,
    );
    assert(got.version === 0, `getTransaction version ${JSON.stringify(got.version)}, expected 0`);
    assert(got.meta.fee === expected, `charged ${got.meta.fee}, quoted ${expected}`);
    return `fee ${fee}, ${signature}`;
}

async function kitV0Fee(signal) {
    const message = await kitTransferMessage(wallets.kit.signer, (await generateKeyPairSigner()).address, 1_000_000);
    assert(message.version === 0, `kit built a ${message.version} message`);
    const compiled = compileTransactionMessage(message);
    const expected = LAMPORTS_PER_SIGNATURE * compiled.header.numSignerAccounts;
    const base64 = getBase64Decoder().decode(getCompiledTransactionMessageEncoder().encode(compiled));
    const { value: fee } = await rpc.getFeeForMessage(base64, { commitment: 'confirmed' }).send({ abortSignal: signal });
    assert(fee !== null && Number(fee) === expected, `getFeeForMessage = ${fee}, expected ${expected}`);
    const signed = await signTransactionMessageWithSigners(message);
    await sendAndConfirm(signed, { commitment: 'confirmed', abortSignal: signal });
    const signature = getSignatureFromTransaction(signed);
    const got = await pollUntil(
        'kit getTransaction(v0, confirmed)',
        () => rpc.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0, encoding: 'json' }).send({ abortSignal: signal }),
        signal,
    );
    assert(Number(got.version) === 0 && got.version !== 'legacy', `getTransaction version ${String(got.version)}, expected 0`);
    assert(Number(got.meta.fee) === expected, `charged ${got.meta.fee}, quoted ${expected}`);
    return `fee ${fee}, ${signature}`;
}

// ---------------------------------------------------------------------------------------------
// Main

function packageVersion(name) {
    return JSON.parse(readFileSync(join(HERE, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')).version;
}

const started = performance.now();
let exitCode = 0;
try {
    const version = await connection.getVersion().catch(e => ({ 'solana-core': `unreachable: ${e.message}` }));
    console.log(
        `# @solana/kit ${packageVersion('@solana/kit')}, @solana/web3.js ${packageVersion('@solana/web3.js')}, ` +
            `node ${process.version}; chain ${info.rpcUrl} (solana-core ${version['solana-core']}); CLI ${cliPath}`,
    );
    const T = args.timeout;
    await check('setup', T, setup);
    if (!results[0]?.ok) throw new Error('setup failed');

    // The two late-signature checks wait a minute each: they run while the others do.
    const late = Promise.all([
        check(`web3.js: transaction signed ${args.blockhashWait} s after getLatestBlockhash(confirmed) lands`, args.blockhashWait + T, web3LateSignature),
        check(`kit: transaction signed ${args.blockhashWait} s after getLatestBlockhash(confirmed) lands`, args.blockhashWait + T, kitLateSignature),
    ]);
    await check('web3.js: send+confirm a transfer, getTransaction(confirmed, maxSupportedTransactionVersion 0)', T, web3SendAndGetTransaction);
    await check('kit: send+confirm a transfer, getTransaction(confirmed)', T, kitSendAndGetTransaction);
    await check('web3.js: onAccountChange sees SOL arrive', T, web3AccountSubscription);
    await check('kit: accountNotifications sees SOL arrive', T, kitAccountSubscription);
    await check('web3.js: onProgramAccountChange sees the pool change on a CLI deposit', T, web3ProgramSubscription);
    await check('kit: programNotifications sees the pool change on a CLI deposit', T, kitProgramSubscription);
    await check('web3.js: onLogs(program) sees the deposit logs', T, web3LogsSubscription);
    await check('kit: logsNotifications(mentions program) sees the deposit logs', T, kitLogsSubscription);
    await check('web3.js: getParsedTokenAccountsByOwner shows the LST', T, web3ParsedTokenAccounts);
    await check('kit: getTokenAccountsByOwner(jsonParsed) shows the LST', T, kitParsedTokenAccounts);
    await check('web3.js: v0 message costs 5000/signature (getFeeForMessage), getTransaction version 0', T, web3V0Fee);
    await check('kit: v0 message costs 5000/signature (getFeeForMessage), getTransaction version 0', T, kitV0Fee);
    await late;
} catch (e) {
    if (!results.some(r => !r.ok)) results.push({ name: 'run', ok: false, reason: e.message });
}

const failed = results.filter(r => !r.ok);
for (const note of notes) console.log(`# note: ${note}`);
console.log(
    `${failed.length === 0 ? 'OK' : 'FAILED'}: ${results.length - failed.length} passed, ${failed.length} failed ` +
        `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
exitCode = failed.length === 0 ? 0 : 1;

// Close the websockets: kit's close once every subscription is aborted (done by each check);
// web3.js closes its socket once no listener is left. Exit at once if anything still holds the loop.
if (!args.keepTemp) rmSync(tmp, { recursive: true, force: true });
else console.log(`# keypairs kept in ${tmp}`);
process.exitCode = exitCode;
setTimeout(() => {
    console.log('# note: handles still open 3 s after the checks; exiting');
    process.exit(exitCode);
}, 3000).unref();
