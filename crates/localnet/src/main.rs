//! `liquid-staking-localnet up`: the local chain (agave's validator with the program, a pool, the
//! crank every epoch). `liquid-staking-localnet demo`: a pool on an in-process chain, deposits,
//! real staking rewards over several epochs, the crank every epoch, and a table of what happened.
mod up;

use liquid_staking_localnet::{run_crank, setup, LocalChain, SOL};
use liquid_staking_sdk::{quote, rpc::LocalnetInfo};
use std::time::Instant;
use up::UpArgs;

const USAGE: &str = "\
liquid-staking-localnet: the protocol on a local chain

USAGE:
    liquid-staking-localnet up [--rpc-port N] [--faucet-port N] [--slots-per-epoch N] [--ticks-per-slot N]
                               [--ledger DIR]
                               [--validator PATH] [--program PATH] [--extra-votes N]
                               [--authority-out PATH] [--info-out PATH] [--dynamic-port-range A-B]
                               [--no-pool] [--no-crank] [--no-protect] [--metrics-addr HOST:PORT] [--app-addr HOST:PORT] [--epochs N]
    liquid-staking-localnet demo [--validators N] [--epochs N]

COMMANDS:
    up      the local chain: agave's validator (validator/, built if missing) running the program's
            SBF build (target/deploy/liquid_staking.so, built if missing), a pool created with every
            vote account of the chain in it, one JSON line with the addresses on stdout (also
            written to --info-out, where the CLI finds the pool), then the crank bot (liquid-staking-crank)
            on a thread of its own, updating the pool every epoch, with a
            line per epoch: rate, rewards, APY. Runs until Ctrl-C.
    demo    an in-process chain (solana-program-test, no validator): a pool, deposits, epochs with
            real rewards and the crank, every exit, and a table per epoch

OPTIONS:
    --rpc-port N            up: JSON-RPC port (PubSub on N + 1; default 8899)
    --faucet-port N         up: faucet port (default 9900)
    --slots-per-epoch N     up: slots in an epoch, at least 32 (default 64: about 32 s; at 32
                            a loaded machine can leave the root too little slack and halt the chain)
    --ticks-per-slot N      up: PoH ticks (4.7 ms each) in a slot (default 100: slots of about half a second,
                            so a blockhash, valid for 150 blocks, lives more than a minute as wallets
                            expect; the library's 64 gives slots of 300-380 ms)
    --ledger DIR            up: the validator's ledger, wiped on start (default test-ledger)
    --validator PATH        up: the validator binary (default validator/target/release/...)
    --program PATH          up: the program's .so (default target/deploy/liquid_staking.so)
    --extra-votes N         up: vote accounts besides the validator's own, which never vote (default 2)
    --authority-out PATH    up: where to write the pool authority's keypair (a throwaway key: admin,
                            operator, pause guardian and treasury authority; default
                            localnet-authority.json)
    --info-out PATH         up: where to write the JSON line (default
                            ~/.config/liquid-staking/localnet.json, where the CLI looks)
    --dynamic-port-range A-B  up: the validator's gossip/TPU ports (default its own)
    --no-pool               up: do not create a pool
    --no-crank              up: do not run the crank bot (run `liquid-staking-crank` yourself)
    --no-protect            up: the crank bot does not run validator risk (--protect-validators):
                            the validators that never vote keep their stake
    --app-addr A            up: where the web app (app/, built with npm when missing or older than
                            its sources) is served with a /config.json for this chain (default
                            127.0.0.1:8080; port 0 picks a free one; \"off\")
    --metrics-addr A        up: where the crank bot serves /metrics and /healthz (default
                            127.0.0.1:9464; port 0 picks a free one; \"off\")
    --epochs N              up: stop after cranking N epochs; demo: epochs to run (default 6)
    --validators N          demo: vote accounts on the chain, all in the pool (default 3)
    -h, --help              print this help";

struct Args {
    command: String,
    validators: usize,
    epochs: Option<u64>,
    up: UpArgs,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let command = match args.next().as_deref() {
        Some(c @ ("demo" | "up")) => c.to_string(),
        Some("-h") | Some("--help") | None => return Err(String::new()),
        Some(other) => return Err(format!("unknown command '{other}'")),
    };
    let mut a = Args {
        command,
        validators: 3,
        epochs: None,
        up: UpArgs {
            rpc_port: 8899,
            faucet_port: 9900,
            slots_per_epoch: 64,
            ticks_per_slot: 100,
            ledger: "test-ledger".into(),
            validator: None,
            program: None,
            authority_out: "localnet-authority.json".into(),
            info_out: LocalnetInfo::default_path(),
            pool: true,
            crank: true,
            protect: true,
            metrics_addr: "127.0.0.1:9464".into(),
            app_addr: "127.0.0.1:8080".into(),
            extra_votes: 2,
            dynamic_port_range: None,
            epochs: None,
        },
    };
    while let Some(flag) = args.next() {
        let mut value = |name: &str| -> Result<String, String> { args.next().ok_or(format!("{name} needs a value")) };
        let number = |name: &str, v: String| -> Result<u64, String> { v.parse().map_err(|_| format!("{name} takes a whole number")) };
        match flag.as_str() {
            "--validators" => a.validators = number("--validators", value("--validators")?)? as usize,
            "--epochs" => a.epochs = Some(number("--epochs", value("--epochs")?)?),
            "--rpc-port" => a.up.rpc_port = number("--rpc-port", value("--rpc-port")?)? as u16,
            "--faucet-port" => a.up.faucet_port = number("--faucet-port", value("--faucet-port")?)? as u16,
            "--slots-per-epoch" => a.up.slots_per_epoch = number("--slots-per-epoch", value("--slots-per-epoch")?)?,
            "--ticks-per-slot" => a.up.ticks_per_slot = number("--ticks-per-slot", value("--ticks-per-slot")?)?,
            "--ledger" => a.up.ledger = value("--ledger")?.into(),
            "--validator" => a.up.validator = Some(value("--validator")?.into()),
            "--program" => a.up.program = Some(value("--program")?.into()),
            "--extra-votes" => a.up.extra_votes = number("--extra-votes", value("--extra-votes")?)? as u32,
            "--authority-out" => a.up.authority_out = value("--authority-out")?.into(),
            "--info-out" => a.up.info_out = value("--info-out")?.into(),
            "--dynamic-port-range" => a.up.dynamic_port_range = Some(value("--dynamic-port-range")?),
            "--no-pool" => a.up.pool = false,
            "--no-crank" => a.up.crank = false,
            "--no-protect" => a.up.protect = false,
            "--metrics-addr" => a.up.metrics_addr = value("--metrics-addr")?,
            "--app-addr" => a.up.app_addr = value("--app-addr")?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    if a.validators == 0 || a.epochs == Some(0) {
        return Err("--validators and --epochs must be at least 1".into());
    }
    a.up.epochs = a.epochs;
    Ok(a)
}

fn main() {
    let args = match parse_args() {
        Ok(v) => v,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let result = match args.command.as_str() {
        "up" => up::run(&args.up),
        _ => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
            .block_on(demo(args.validators, args.epochs.unwrap_or(6)))
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = result {
        eprintln!("{} failed: {e}", args.command);
        std::process::exit(1);
    }
}

/// Every way in and out, once each, spread over the demo's epochs.
#[derive(Default)]
struct Exits {
    tickets: Vec<(usize, solana_pubkey::Pubkey, u64)>,
    stake_to_deposit: Option<(solana_keypair::Keypair, solana_pubkey::Pubkey)>,
}

fn sol(lamports: u64) -> f64 {
    lamports as f64 / SOL as f64
}

impl Exits {
    async fn step(
        &mut self,
        chain: &mut LocalChain,
        pool: &setup::CreatedPool,
        users: &[solana_keypair::Keypair],
        round: u64,
    ) -> Result<(), Box<dyn std::error::Error>> {
        use solana_signer::Signer;
        let keys = pool.keys;
        match round {
            0 => {
                // Instant from the buffer, delayed with a ticket, one call, and as a stake account.
                let before = chain.lamports(&users[3].pubkey()).await;
                let worth = 2.0 * quote_rate(chain, &keys).await;
                setup::instant_unstake(chain, &keys, &users[3], 2 * SOL).await?;
                let got = chain.lamports(&users[3].pubkey()).await - before;
                println!(
                    "   > user 4: instant exit of 2 LST (worth {worth:.9} SOL) paid {:.9} SOL now, fee {:.3}%",
                    sol(got),
                    (1.0 - sol(got) / worth) * 100.0
                );
                let half_lst = liquid_staking_sdk::addresses::lst_account(&users[1].pubkey(), &keys.lst_mint);
                let all = chain.token_balance(&half_lst).await / 2;
                let before = chain.lamports(&users[1].pubkey()).await;
                let ticket = setup::unstake(chain, &keys, &users[1], all, 100).await?;
                let rent = match ticket { Some(t) => chain.lamports(&t).await, None => 0 };
                let got = chain.lamports(&users[1].pubkey()).await + rent - before;
                match ticket {
                    Some(t) => {
                        let owed = liquid_staking_sdk::decode::ticket(&chain.account(&t).await.unwrap().data)?;
                        println!("   > user 2: one-call exit of {:.3} LST, instant fee at most 1%: {:.9} SOL now, {:.9} SOL by ticket", sol(all), sol(got), sol(owed.lamports));
                        self.tickets.push((1, t, owed.lamports));
                    }
                    None => println!("   > user 2: one-call exit of {:.3} LST, instant fee at most 1%: {:.9} SOL now", sol(all), sol(got)),
                }
                let ticket = setup::order_unstake(chain, &keys, &users[2], 5 * SOL).await?;
                let owed = liquid_staking_sdk::decode::ticket(&chain.account(&ticket).await.unwrap().data)?;
                println!("   > user 3: delayed exit of 5 LST: ticket for {:.9} SOL, claimable from epoch {}", sol(owed.lamports), owed.claimable_epoch);
                self.tickets.push((2, ticket, owed.lamports));
                let list = chain.validator_list(&keys).await;
                let stake = setup::withdraw_stake(chain, &keys, &users[0], 0, list.entries[0].vote_account, 3 * SOL).await?;
                println!("   > user 1: exit as stake of 3 LST: stake account {} with {:.9} SOL, active now", stake, sol(chain.lamports(&stake).await));
                // A new staker delegates a stake account now, to deposit it once active.
                let staker = setup::funded_wallet(chain, 11 * SOL).await;
                let account = setup::user_stake_account(chain, &staker, &list.entries[1].vote_account, 10 * SOL).await?;
                self.stake_to_deposit = Some((staker, account.pubkey()));
            }
            _ => {
                if let Some((staker, account)) = self.stake_to_deposit.take() {
                    let list = chain.validator_list(&keys).await;
                    let lamports = chain.lamports(&account).await;
                    setup::deposit_stake(chain, &keys, &staker, 1, list.entries[1].vote_account, &account).await?;
                    let account_lst = liquid_staking_sdk::addresses::lst_account(&staker.pubkey(), &keys.lst_mint);
                    let minted = chain.token_balance(&account_lst).await;
                    println!("   > user 5: deposited an active stake account of {:.9} SOL for {:.9} LST", sol(lamports), sol(minted));
                }
                let mut waiting = Vec::new();
                for (u, ticket, owed) in std::mem::take(&mut self.tickets) {
                    let state = liquid_staking_sdk::decode::ticket(&chain.account(&ticket).await.unwrap().data)?;
                    let p = chain.pool(&keys.pool).await;
                    let reserve = chain.lamports(&keys.reserve).await;
                    let epoch = chain.epoch().await;
                    if quote::ticket_claimable(&p, &state, reserve, epoch) {
                        setup::claim_ticket(chain, &keys, &users[u], &ticket).await?;
                        println!("   > user {}: claimed a ticket for {:.9} SOL", u + 1, sol(owed));
                    } else {
                        waiting.push((u, ticket, owed));
                    }
                }
                self.tickets = waiting;
            }
        }
        Ok(())
    }
}

async fn quote_rate(chain: &mut LocalChain, keys: &liquid_staking_sdk::PoolKeys) -> f64 {
    let p = chain.pool(&keys.pool).await;
    quote::rate(p.total_lamports, p.lst_supply)
}

async fn demo(validators: usize, epochs: u64) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    eprintln!("starting an in-process chain with {validators} vote accounts ...");
    let mut chain = LocalChain::start(validators).await;
    let config = setup::PoolConfig::default();
    let pool = setup::create_pool(&mut chain, &config).await?;
    let keys = pool.keys;
    eprintln!(
        "pool {} created: LST mint {}, reward fee {} bps, reserve buffer {} bps",
        keys.pool, keys.lst_mint, config.fees.reward_bps, config.reserve_buffer_bps
    );
    let mut users = Vec::new();
    for (i, sol) in [40u64, 25, 10, 5].iter().enumerate() {
        let user = setup::funded_wallet(&mut chain, (sol + 1) * SOL).await;
        setup::deposit_sol(&mut chain, &keys, &user, sol * SOL, 0).await?;
        eprintln!("user {} deposited {sol} SOL", i + 1);
        users.push(user);
    }
    for vote in chain.vote_accounts.clone() {
        setup::add_validator(&mut chain, &pool, vote, 100).await?;
    }
    eprintln!("{validators} validators added (equal weights)");
    let crank = run_crank(&mut chain, &keys).await?;
    eprintln!("crank in epoch {}: {} transactions", chain.epoch().await, crank.transactions());

    let start = chain.pool(&keys.pool).await;
    let start_rate = quote::rate(start.total_lamports, start.lst_supply);
    println!();
    println!(
        "{:>5} | {:>16} | {:>16} | {:>13} | {:>10} | {:>7} | {:>9}",
        "epoch", "SOL managed", "LST supply", "rate SOL/LST", "APY start", "staked", "crank txs"
    );
    println!("{}", "-".repeat(93));
    let row = |epoch: u64, p: &liquid_staking_sdk::state::Pool, txs: usize, start_epoch: u64| {
        let rate = quote::rate(p.total_lamports, p.lst_supply);
        let apy = quote::apy(start_rate, rate, epoch - start_epoch, quote::MAINNET_EPOCHS_PER_YEAR);
        let staked = quote::staked_share(p);
        println!(
            "{:>5} | {:>16.9} | {:>16.9} | {:>13.9} | {:>9.3}% | {:>6.1}% | {:>9}",
            epoch,
            p.total_lamports as f64 / SOL as f64,
            p.lst_supply as f64 / SOL as f64,
            rate,
            apy * 100.0,
            staked * 100.0,
            txs
        );
    };
    let start_epoch = chain.epoch().await;
    row(start_epoch, &start, crank.transactions(), start_epoch);
    let mut exits = Exits::default();
    for round in 0..epochs {
        let epoch = chain.advance_epoch().await;
        let crank = run_crank(&mut chain, &keys).await?;
        let p = chain.pool(&keys.pool).await;
        row(epoch, &p, crank.transactions(), start_epoch);
        exits.step(&mut chain, &pool, &users, round).await?;
    }
    let p = chain.pool(&keys.pool).await;
    let treasury = chain.token_balance(&keys.treasury).await;
    println!();
    println!(
        "treasury holds {:.9} LST (reward fee {} bps); rewards paid by the runtime, not written by hand.",
        treasury as f64 / SOL as f64,
        p.fees.reward_bps
    );
    println!(
        "APY: the yield since the first row, compounded and annualised as if each epoch were a \
         mainnet epoch ({:.1} a year).",
        quote::MAINNET_EPOCHS_PER_YEAR
    );
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
