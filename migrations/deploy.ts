// What `anchor migrate` runs after `anchor deploy`: creates and configures a pool on the
// provider's cluster (the default export, called with the provider). Also a command:
//
//   app/node_modules/.bin/tsx migrations/deploy.ts --url URL --keypair FILE [--ws URL]
//       [--validator VOTE]... [--reserve-buffer-bps N] [--reward-fee-bps N] [--out FILE]
//
// The work is in app/scripts/deploy-pool.ts, beside the client generated from the IDL and the
// app's packages (@solana/kit resolves from app/node_modules).
import { main } from '../app/scripts/deploy-pool.ts';

export { default, deployPool } from '../app/scripts/deploy-pool.ts';

if (process.argv[1]?.endsWith('deploy.ts')) {
    main(process.argv.slice(2)).catch((e: unknown) => {
        console.error(`deploy: ${e instanceof Error ? e.message : e}`);
        process.exit(1);
    });
}
