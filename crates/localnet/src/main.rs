//! `liquid-staking-localnet demo`: a pool on an in-process chain, deposits, real staking rewards
//! over several epochs, the crank every epoch, and a table of what happened.
use liquid_staking_localnet::{run_crank, setup, LocalChain, SOL};
use liquid_staking_sdk::quote;
use std::time::Instant;

const USAGE: &str = "\
liquid-staking-localnet: the protocol on an in-process chain

USAGE:
    liquid-staking-localnet demo [--validators N] [--epochs N]

COMMANDS:
    demo    create a pool, take deposits, run epochs with real rewards and the crank,
            and print a table per epoch

OPTIONS:
    --validators N   validators in the pool (default 3)
    --epochs N       epochs to run (default 6)
    -h, --help       print this help";

fn parse_args() -> Result<(usize, u64), String> {
    let mut args = std::env::args().skip(1);
    let mut validators = 3usize;
    let mut epochs = 6u64;
    match args.next().as_deref() {
        Some("demo") => {}
        Some("-h") | Some("--help") | None => return Err(String::new()),
        Some(other) => return Err(format!("unknown command '{other}'")),
    }
    while let Some(flag) = args.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            args.next()
                .ok_or(format!("{name} needs a value"))?
                .parse()
                .map_err(|_| format!("{name} takes a whole number"))
        };
        match flag.as_str() {
            "--validators" => validators = value("--validators")? as usize,
            "--epochs" => epochs = value("--epochs")?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    if validators == 0 || epochs == 0 {
        return Err("--validators and --epochs must be at least 1".into());
    }
    Ok((validators, epochs))
}

#[tokio::main]
async fn main() {
    let (validators, epochs) = match parse_args() {
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
    if let Err(e) = demo(validators, epochs).await {
        eprintln!("demo failed: {e}");
        std::process::exit(1);
    }
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
    for (i, sol) in [40u64, 25, 10, 5].iter().enumerate() {
        let user = setup::funded_wallet(&mut chain, (sol + 1) * SOL).await;
        setup::deposit_sol(&mut chain, &keys, &user, sol * SOL, 0).await?;
        eprintln!("user {} deposited {sol} SOL", i + 1);
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
        let staked = p.stake_lamports as f64 / p.total_lamports as f64;
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
    for _ in 0..epochs {
        let epoch = chain.advance_epoch().await;
        let crank = run_crank(&mut chain, &keys).await?;
        let p = chain.pool(&keys.pool).await;
        row(epoch, &p, crank.transactions(), start_epoch);
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
