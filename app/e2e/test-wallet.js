// A Wallet Standard TEST wallet, injected into the page with page.addInitScript(installTestWallet, cfg).
// Runs in the browser: no imports. A throwaway Ed25519 key (PKCS#8), signing with WebCrypto.
// Controlled at run time through window.__testWallet:
//   mode: 'approve' | 'reject'   (reject: throws like a wallet whose user declined, code 4001)
//   delayMs: approval delay before each signature (a user taking their time)
//   chains: the chains the account reports at the next connect (e.g. ['solana:devnet'] = wrong network)
//   requests / signed: counters of signature requests and signatures given
export function installTestWallet(cfg) {
    const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const state = (window.__testWallet = { mode: 'approve', delayMs: 0, chains: cfg.chains.slice(), requests: 0, signed: 0, log: [] });
    const publicKey = fromB64(cfg.publicKeyB64);
    const keyPromise = crypto.subtle.importKey('pkcs8', fromB64(cfg.pkcs8B64), { name: 'Ed25519' }, false, ['sign']);
    const listeners = new Set();
    const icon =
        'data:image/svg+xml;base64,' +
        btoa('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#19d3a2"/><text x="16" y="22" font-size="16" text-anchor="middle" fill="#0f1221">T</text></svg>');
    const makeAccount = () =>
        Object.freeze({
            address: cfg.address,
            publicKey,
            chains: Object.freeze(state.chains.slice()),
            features: Object.freeze(['solana:signTransaction']),
            label: 'E2E test account',
            icon,
        });
    const emit = () => listeners.forEach((cb) => cb({ accounts: wallet.accounts }));
    const readCompactU16 = (bytes, at) => {
        let value = 0;
        let size = 0;
        for (;;) {
            const b = bytes[at + size];
            value |= (b & 0x7f) << (7 * size);
            size++;
            if ((b & 0x80) === 0) return [value, size];
        }
    };
    async function signOne(input) {
        state.requests++;
        state.log.push({ at: Date.now(), chain: input.chain ?? null });
        if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
        if (state.mode === 'reject') {
            const e = new Error('User rejected the request.');
            e.code = 4001;
            throw e;
        }
        const tx = new Uint8Array(input.transaction);
        const [numSigs, sigLen] = readCompactU16(tx, 0);
        const messageStart = sigLen + numSigs * 64;
        const message = tx.subarray(messageStart);
        let at = 0;
        if (message[0] & 0x80) at = 1; // versioned message prefix
        const numRequired = message[at];
        at += 3;
        const [numKeys, keysLen] = readCompactU16(message, at);
        at += keysLen;
        let index = -1;
        for (let i = 0; i < Math.min(numKeys, numRequired); i++) {
            const key = message.subarray(at + 32 * i, at + 32 * (i + 1));
            if (key.every((b, j) => b === publicKey[j])) index = i;
        }
        if (index < 0) throw new Error('This transaction does not need the test wallet’s signature');
        const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, await keyPromise, message));
        const out = new Uint8Array(tx);
        out.set(signature, sigLen + index * 64);
        state.signed++;
        return { signedTransaction: out };
    }
    const wallet = {
        version: '1.0.0',
        name: 'E2E Test Wallet',
        icon,
        chains: ['solana:mainnet', 'solana:devnet', 'solana:testnet', 'solana:localnet'],
        accounts: [],
        features: {
            'standard:connect': {
                version: '1.0.0',
                connect: async () => {
                    wallet.accounts = [makeAccount()];
                    emit();
                    return { accounts: wallet.accounts };
                },
            },
            'standard:disconnect': {
                version: '1.0.0',
                disconnect: async () => {
                    wallet.accounts = [];
                    emit();
                },
            },
            'standard:events': {
                version: '1.0.0',
                on: (event, cb) => {
                    if (event !== 'change') return () => {};
                    listeners.add(cb);
                    return () => listeners.delete(cb);
                },
            },
            'solana:signTransaction': {
                version: '1.0.0',
                supportedTransactionVersions: ['legacy', 0],
                signTransaction: async (...inputs) => {
                    const out = [];
                    for (const input of inputs) out.push(await signOne(input));
                    return out;
                },
            },
        },
    };
    const callback = ({ register }) => register(wallet);
    try {
        window.dispatchEvent(new CustomEvent('wallet-standard:register-wallet', { detail: callback }));
    } catch (e) {
        console.error('test wallet: register event failed', e);
    }
    try {
        window.addEventListener('wallet-standard:app-ready', ({ detail: api }) => callback(api));
    } catch (e) {
        console.error('test wallet: app-ready listener failed', e);
    }
}
