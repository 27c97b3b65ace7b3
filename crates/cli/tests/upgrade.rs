//! The upgrade rehearsal: the newest release's program (releases/, built from its commit by
//! scripts/build-release.sh) is deployed through the upgradeable loader on the real validator; two
//! pools, deposits, stake, tickets (delayed unstakes; the one-call unstake beside them),
//! the rate account and the crank bot's lookup tables are made with it and epochs pass; then the
//! program is upgraded to this checkout's build. Every account of the pools (their program
//! accounts, stake accounts, reserves, mints, treasuries, the bot's lookup tables) is compared
//! before and after, by count, lamports and bytes; then the new build must carry on: the crank bot
//! settles the next epoch over its tables, the rate continues, every ticket is claimed, deposits
//! and exits work. The layout gate (crates/idl/src/layout.rs) is what refuses a
//! build whose layouts would break this before it is ever deployed.
mod common;

use anchor_lang::prelude::Pubkey;
use common::*;
use liquid_staking_crank::{log::{LogFormat, Logger}, metrics::Metrics, sender::SenderConfig, Bot, BotConfig, PollOutcome};
use liquid_staking_sdk::rpc::load_pool;
use solana_rpc_client::rpc_client::RpcClient;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

/// The newest release's version and its cached .so.
fn release_so() -> (String, String) {
    let releases = repo_root().join("releases");
    let mut versions: Vec<String> = std::fs::read_dir(&releases)
        .unwrap()
        .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().to_string()))
        .filter(|v| releases.join(v).join("commit").exists())
        .collect();
    versions.sort_by_key(|v| v.split('.').map(|n| n.parse::<u64>().unwrap_or(0)).collect::<Vec<_>>());
    let version = versions.pop().expect("a release in releases/");
    let commit = std::fs::read_to_string(releases.join(&version).join("commit")).unwrap().trim().to_string();
    let cache = std::env::var_os("LIQUID_STAKING_RELEASE_CACHE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/liquid-staking-releases"));
    let so = cache.join(&commit).join("liquid_staking.so");
    assert!(so.exists(), "no build of release {version} at {}: run `bash scripts/build-release.sh {version}`", so.display());
    (version, so.to_string_lossy().to_string())
}

/// The crank bot over the pool, with its lookup tables and validator risk, as `up` runs it.
fn bot(url: &str, payer: &solana_keypair::Keypair, pool: Pubkey) -> Bot {
    let config = BotConfig {
        pool,
        poll_interval: std::time::Duration::from_secs(1),
        jitter: 0.2,
        halt_before: None,
        lookup_tables: true,
        protect_validators: true,
        sender: SenderConfig::default(),
    };
    let rpc = RpcClient::new_with_commitment(url.to_string(), solana_commitment_config::CommitmentConfig::confirmed());
    Bot::new(rpc, payer.insecure_clone(), config, Metrics::shared(), Logger { format: LogFormat::Text }).expect("the bot starts")
}

/// Polls until the bot has updated the pool for the current epoch.
fn bot_updates(bot: &mut Bot) {
    for _ in 0..60 {
        match bot.poll() {
            Ok(PollOutcome::Updated(_)) | Ok(PollOutcome::Fresh) => return,
            Ok(_) | Err(_) => std::thread::sleep(std::time::Duration::from_secs(1)),
        }
    }
    panic!("the crank bot did not update the pool within a minute");
}

/// The Address Lookup Table program (the bot's tables).
const LOOKUP_TABLE_PROGRAM: Pubkey = anchor_lang::pubkey!("AddressLookupTab1e1111111111111111111111111");

/// What an account is, for the comparison: owner, lamports and its bytes.
type Snapshot = BTreeMap<Pubkey, (Pubkey, u64, Vec<u8>)>;

/// Every account of the pools: what the program owns (pools, validator lists, tickets, rate
/// accounts), the stake accounts the pools control, each pool's reserve, mint and treasury, and
/// every lookup table (the bot's: none else exists on this chain).
fn snapshot(rpc: &RpcClient, pools: &[Pubkey]) -> (u64, Snapshot) {
    let epoch = rpc.get_epoch_info().unwrap().epoch;
    let mut accounts: Snapshot = BTreeMap::new();
    for (key, account) in rpc.get_program_accounts(&liquid_staking_sdk::PROGRAM_ID).unwrap() {
        accounts.insert(key, (account.owner, account.lamports, account.data));
    }
    for (key, account) in rpc.get_program_accounts(&LOOKUP_TABLE_PROGRAM).unwrap() {
        accounts.insert(key, (account.owner, account.lamports, account.data));
    }
    let mut controlled = Vec::new();
    for pool in pools {
        let (keys, _) = load_pool(rpc, pool).unwrap();
        controlled.extend([keys.pool, keys.reserve]);
        for key in [keys.reserve, keys.lst_mint, keys.treasury] {
            if let Some(account) = rpc.get_account_with_commitment(&key, rpc.commitment()).unwrap().value {
                accounts.insert(key, (account.owner, account.lamports, account.data));
            }
        }
    }
    for (key, account) in rpc.get_program_accounts(&solana_stake_interface::program::ID).unwrap() {
        // Meta: the staker at bytes 12..44, the withdrawer at 44..76.
        let authority = |range: std::ops::Range<usize>| account.data.get(range).and_then(|b| Pubkey::try_from(b).ok());
        if [authority(12..44), authority(44..76)].iter().flatten().any(|a| controlled.contains(a)) {
            accounts.insert(key, (account.owner, account.lamports, account.data));
        }
    }
    (epoch, accounts)
}

#[test]
fn an_upgrade_from_the_last_release_loses_nothing() {
    let (version, old_so) = release_so();
    let dir = std::env::temp_dir().join(format!("liquid-staking-upgrade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let validator = start_validator(&dir);
    let cli = Cli::new(&validator, &dir);
    let rpc = RpcClient::new_with_commitment(cli.url.clone(), solana_commitment_config::CommitmentConfig::confirmed());
    let votes: Vec<String> = validator.info["voteAccounts"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();

    // Release `version`, deployed as it is on a cluster.
    cli.ok("op.json", &["keygen"]);
    cli.ok("op.json", &["airdrop", "1000"]);
    let deployed = cli.deploy("op.json", &old_so);
    println!("release {version} deployed: {deployed}");
    assert_eq!(cli.ok("op.json", &["program", "verify", "--so", &old_so])["matches"], true);

    // Two pools: one staked over every validator with a staker, one bare.
    let pool = cli.ok("op.json", &["pool", "create", "--initial-deposit", "2"])["pool"].as_str().unwrap().to_string();
    *cli.pool.lock().unwrap() = Some(pool.clone());
    cli.ok("op.json", &["deposit", "300"]);
    for vote in &votes {
        cli.ok("op.json", &["validator", "add", vote]);
    }
    cli.ok("op.json", &["crank"]);
    cli.ok("me.json", &["keygen"]);
    cli.ok("me.json", &["airdrop", "100"]);
    cli.ok("me.json", &["deposit", "50"]);
    let bare = {
        let other = Cli { pool: Arc::default(), ..cli.clone() };
        other.ok("op2.json", &["keygen"]);
        other.ok("op2.json", &["airdrop", "50"]);  // the validator list's rent is about 19 SOL
        other.ok("op2.json", &["pool", "create", "--initial-deposit", "1"])["pool"].as_str().unwrap().to_string()
    };

    // Epochs pass, the crank bot updating the pool over its lookup tables: the stake activates
    // and earns; then exits of every kind, tickets among them.
    cli.ok("bot.json", &["keygen"]);
    cli.ok("bot.json", &["airdrop", "10"]);
    let bot_key = solana_keypair::read_keypair_file(cli.path("bot.json")).unwrap();
    let mut crank_bot = bot(&cli.url, &bot_key, Pubkey::from_str(&pool).unwrap());
    for _ in 0..2 {
        cli.ok("me.json", &["wait-epoch"]);
        bot_updates(&mut crank_bot);
    }
    assert!(!rpc.get_program_accounts(&LOOKUP_TABLE_PROGRAM).unwrap().is_empty(), "the bot made its lookup tables");
    cli.ok("me.json", &["instant-unstake", "1"]);
    cli.ok("me.json", &["withdraw-stake", "2"]);
    cli.ok("me.json", &["order-unstake", "5"]);
    cli.ok("me.json", &["order-unstake", "3"]);
    // One call: instant while the fee stays at or below the cap, the rest a ticket (here the
    // buffer may pay it all).
    cli.ok("me.json", &["unstake", "10", "--max-fee-bps", "300"]);
    let tickets = cli.ok("me.json", &["tickets"])["tickets"].as_array().unwrap().len();
    assert!(tickets >= 2, "two delayed unstakes at least: {tickets} tickets");
    let rate_before = cli.ok("me.json", &["pool", "rate"]);
    let shown_before = cli.ok("me.json", &["pool", "show"]);

    // The upgrade, and nothing of the pools' accounts changes with it.
    let pools = [Pubkey::from_str(&pool).unwrap(), Pubkey::from_str(&bare).unwrap()];
    let (epoch_before, before) = snapshot(&rpc, &pools);
    let upgraded = cli.ok("op.json", &["program", "upgrade", "--so", &current_so()]);
    let (epoch_after, after) = snapshot(&rpc, &pools);
    println!("upgraded to this build: {upgraded}");
    assert_eq!(cli.ok("op.json", &["program", "verify", "--so", &current_so()])["matches"], true);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "the same accounts");
    let owned = |s: &Snapshot| s.values().filter(|(owner, ..)| *owner == liquid_staking_sdk::PROGRAM_ID).count();
    println!(
        "{} accounts compared ({} of the program's, {} tickets, {} lookup tables), epoch {epoch_before} -> {epoch_after}, {} lamports in all",
        before.len(),
        owned(&before),
        tickets,
        before.values().filter(|(owner, ..)| *owner == LOOKUP_TABLE_PROGRAM).count(),
        before.values().map(|(_, l, _)| l).sum::<u64>()
    );
    for (key, (owner, lamports, data)) in &before {
        let (owner_after, lamports_after, data_after) = &after[key];
        assert_eq!(owner, owner_after, "{key}: owner");
        if epoch_before == epoch_after || *owner == liquid_staking_sdk::PROGRAM_ID {
            // Nothing but this test's transactions writes them, and it sent none but the upgrade.
            assert_eq!((lamports, data), (lamports_after, data_after), "{key}: changed by the upgrade");
        } else {
            // An epoch boundary passed meanwhile: stake accounts may have earned, never lost.
            assert!(lamports_after >= lamports, "{key}: lost lamports across the upgrade");
        }
    }
    assert_eq!(cli.ok("me.json", &["pool", "show"])["totalLamports"], shown_before["totalLamports"]);

    // The new build carries on: the bot settles the next epoch over the same tables, the rate
    // continues, every ticket is claimed.
    cli.ok("me.json", &["wait-epoch"]);
    bot_updates(&mut crank_bot);
    let rate_after = cli.ok("me.json", &["pool", "rate"]);
    assert!(rate_after["epoch"].as_u64() > rate_before["epoch"].as_u64(), "a new settlement: {rate_after}");
    let ratio = |r: &serde_json::Value| r["totalLamports"].as_u64().unwrap() as u128 * 1_000_000_000 / r["lstSupply"].as_u64().unwrap() as u128;
    assert!(ratio(&rate_after) >= ratio(&rate_before), "the rate does not fall: {rate_before} -> {rate_after}");
    let claimed = cli.claim_while_cranking("me.json", "op.json");
    assert!(claimed["lamports"].as_u64().unwrap() > 79 * SOL / 10, "{claimed}");
    assert!(cli.ok("me.json", &["tickets"])["tickets"].as_array().unwrap().is_empty(), "every ticket claimed");
    cli.ok("me.json", &["deposit", "1"]);
    cli.ok("me.json", &["instant-unstake", "1"]);
    let bare_shown = Cli { pool: Arc::new(std::sync::Mutex::new(Some(bare.clone()))), ..cli.clone() }.ok("me.json", &["pool", "show"]);
    assert_eq!(bare_shown["totalLamports"].as_u64(), Some(SOL));
    drop(validator);
    let _ = std::fs::remove_dir_all(&dir);
}
