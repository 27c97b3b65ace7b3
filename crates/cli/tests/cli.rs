//! The CLI as a subprocess against the real local chain: agave's validator (`validator/`, built by
//! scripts/build-validator.sh), started by the test on free ports without the program. The
//! operator deploys the program's SBF build (scripts/build-sbf.sh) through the upgradeable loader,
//! as on devnet or mainnet, then creates and manages a pool; a staker goes in and out by every
//! route; epochs pass in real time and the crank is run with the CLI; at the end the upgrade
//! authority and the admin are handed over. Outputs are parsed from `--output json`.
mod common;

use common::*;
use std::process::Command;

#[test]
fn operators_and_stakers_on_the_real_local_chain() {
    let dir = std::env::temp_dir().join(format!("liquid-staking-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let validator = start_validator(&dir);
    let cli = Cli::new(&validator, &dir);
    let votes: Vec<String> = validator.info["voteAccounts"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();

    // The operator deploys the program through the upgradeable loader: it was not at genesis.
    cli.ok("op.json", &["keygen"]);
    cli.ok("op.json", &["airdrop", "1000"]);
    let op = cli.ok("op.json", &["address"])["address"].as_str().unwrap().to_string();
    cli.fails("op.json", &["pool", "create"], "Attempt to load a program that does not exist");
    cli.fails("op.json", &["program", "deploy", "--program-keypair", &program_keypair(), "--so", "Cargo.toml"], "not an ELF file");
    let deployed = cli.deploy("op.json", &current_so());
    assert_eq!(deployed["programId"], "48YRYB8m6ancFx3R3ZfDwPVxpSvFGM2rJP3zyk6AMBDL");
    assert_eq!(deployed["upgradeAuthority"], op.as_str());
    let bytes = deployed["programBytes"].as_u64().unwrap();
    assert_eq!(deployed["maxProgramLen"].as_u64(), Some(2 * bytes));
    assert!(deployed["writeTransactions"].as_u64() >= deployed["chunks"].as_u64());
    println!("deployed: {deployed}");
    cli.fails("op.json", &["program", "deploy", "--program-keypair", &program_keypair(), "--so", &current_so()], "exists already");
    let verified = cli.ok("op.json", &["program", "verify", "--so", &current_so()]);
    assert_eq!((verified["matches"].as_bool(), verified["upgradeAuthority"].as_str()), (Some(true), Some(op.as_str())));

    // An operator creates a pool and adds every validator of the chain.
    cli.fails("op.json", &["pool", "create", "--reward-bps", "5000"], "RewardFeeTooHigh");
    let created = cli.ok("op.json", &["pool", "create", "--initial-deposit", "2", "--reward-bps", "700"]);
    *cli.pool.lock().unwrap() = Some(created["pool"].as_str().unwrap().to_string());
    let shown = cli.ok("op.json", &["pool", "show"]);
    assert_eq!((shown["totalLamports"].as_u64(), shown["fees"]["rewardBps"].as_u64()), (Some(2 * SOL), Some(700)));
    cli.ok("op.json", &["deposit", "300"]);
    for vote in &votes {
        cli.ok("op.json", &["validator", "add", vote]);
    }
    assert_eq!(cli.ok("op.json", &["validator", "list"])["validators"].as_array().unwrap().len(), votes.len());
    cli.ok("op.json", &["crank"]);

    // A staker deposits.
    cli.ok("me.json", &["keygen"]);
    cli.ok("me.json", &["airdrop", "100"]);
    let deposit = cli.ok("me.json", &["deposit", "50"]);
    assert!(deposit["lstMinted"].as_u64().unwrap() > 49 * SOL);
    cli.fails("me.json", &["deposit", "0"], "ZeroAmount");
    let pool = cli.ok("me.json", &["pool", "show"]);
    assert_eq!((pool["validators"].as_u64(), pool["stale"].as_bool()), (Some(votes.len() as u64), Some(false)));

    // A new epoch: stale until cranked; a deposit that will not wait is refused by name.
    cli.ok("me.json", &["wait-epoch"]);
    assert_eq!(cli.ok("me.json", &["pool", "show"])["stale"].as_bool(), Some(true));
    cli.fails("me.json", &["--wait-fresh", "0", "deposit", "1"], "PoolStale");
    assert_eq!(cli.ok("me.json", &["crank"])["finalizeTransactions"].as_u64(), Some(1));

    // The operator's and admin's commands, and others' refusals.
    cli.ok("op.json", &["validator", "set-weight", &votes[0], "--weight", "300"]);
    cli.fails("me.json", &["validator", "set-weight", &votes[0], "--weight", "1"], "NotOperator");
    cli.ok("op.json", &["pause", "--deposits"]);
    cli.fails("me.json", &["deposit", "1"], "DepositsPaused");
    cli.fails("me.json", &["unpause", "--deposits"], "NotPauseGuardian");
    cli.ok("op.json", &["unpause", "--deposits"]);
    assert!(cli.ok("op.json", &["set-fees", "--deposit-bps", "10"])["pendingFeesEpoch"].as_u64().is_some(), "an increase waits");
    cli.fails("op.json", &["set-fees", "--deposit-bps", "51"], "DepositFeeTooHigh");
    assert!(cli.ok("op.json", &["set-reserve-buffer", "500"])["effectiveEpoch"].as_u64().is_some(), "a new buffer waits two boundaries");
    assert!(cli.ok("op.json", &["set-reserve-buffer", "1000"])["effectiveEpoch"].is_null(), "the buffer in force cancels the change");
    cli.fails("op.json", &["set-reserve-buffer", "5"], "ReserveBufferTooLow");
    cli.fails("me.json", &["set-reserve-buffer", "500"], "NotAdmin");
    let rate = cli.ok("me.json", &["pool", "rate"]);
    assert_eq!(rate["breakerTripped"], false);
    let (epoch, total, supply) = (rate["epoch"].to_string(), rate["totalLamports"].to_string(), rate["lstSupply"].to_string());
    cli.fails("op.json", &["reset-rate-breaker", "--epoch", &epoch, "--total-lamports", &total, "--lst-supply", &supply], "RateBreakerNotTripped");
    let me = cli.ok("me.json", &["address"])["address"].as_str().unwrap().to_string();
    cli.fails("me.json", &["withdraw-treasury", "all"], "NotTreasuryAuthority");

    // One more epoch: the stake is active and the transients merge; then every exit.
    cli.ok("me.json", &["wait-epoch"]);
    cli.ok("op.json", &["crank"]);
    assert!(cli.ok("me.json", &["instant-unstake", "1"])["lamportsOut"].as_u64().unwrap() > 900_000_000);
    assert!(cli.ok("me.json", &["withdraw-stake", "2"])["lamports"].as_u64().unwrap() > 1_990_000_000);
    assert!(cli.ok("me.json", &["order-unstake", "5"])["lamports"].as_u64().unwrap() > 4_900_000_000);
    // At most 3% on the instant part, 0.1% on the ticket.
    let one_call = cli.ok("me.json", &["unstake", "10", "--max-fee-bps", "300"]);
    assert!(one_call["lamportsNow"].as_u64().unwrap() + one_call["lamportsOwed"].as_u64().unwrap() > 9_700_000_000);
    assert!(!cli.ok("me.json", &["tickets"])["tickets"].as_array().unwrap().is_empty());

    // Tickets come due once the crank has brought the stake back: claim waits for the epochs, a
    // crank runs meanwhile.
    let claimed = cli.claim_while_cranking("me.json", "op.json");
    assert!(claimed["lamports"].as_u64().unwrap() > 4_900_000_000);
    assert!(cli.ok("me.json", &["tickets"])["tickets"].as_array().unwrap().is_empty());
    assert!(cli.ok("me.json", &["balance"])["lst"].as_u64().unwrap() > 30 * SOL);

    // The treasury authority hands its role on and the new one takes the fees.
    cli.ok("op.json", &["set-roles", "--treasury-authority", &me]);
    cli.ok("me.json", &["withdraw-treasury", "all"]);

    // The admin is handed over in two steps: proposed, then accepted by the new key; the old one
    // can no longer act. A multisig gets the instruction to propose instead.
    cli.fails("me.json", &["propose-admin", &me], "NotAdmin");
    cli.fails("me.json", &["accept-admin"], "NotProposedAdmin");
    let printed = cli.ok("me.json", &["accept-admin", "--instruction-only", "--new-admin", &op]);
    assert_eq!(printed["programId"], "48YRYB8m6ancFx3R3ZfDwPVxpSvFGM2rJP3zyk6AMBDL");
    assert_eq!((printed["accounts"][0]["pubkey"].as_str(), printed["accounts"][0]["isSigner"].as_bool()), (Some(op.as_str()), Some(true)));
    cli.ok("op.json", &["propose-admin", &me]);
    assert_eq!(cli.ok("me.json", &["accept-admin"])["admin"], me.as_str());
    cli.fails("op.json", &["set-fees", "--deposit-bps", "5"], "NotAdmin");
    cli.ok("me.json", &["set-fees", "--deposit-bps", "5"]);

    // The upgrade authority too: checked (the new key signs), then only it can upgrade.
    cli.fails("me.json", &["program", "set-upgrade-authority", "--new-upgrade-authority", &cli.path("me.json")], &format!("is {op}, not {me}"));
    cli.fails("op.json", &["program", "set-upgrade-authority", "--new-upgrade-authority", &me], "--skip-new-authority-signer-check");
    cli.ok("op.json", &["program", "set-upgrade-authority", "--new-upgrade-authority", &cli.path("me.json")]);
    cli.fails("op.json", &["program", "upgrade", "--so", &current_so()], &format!("the upgrade authority of 48YRYB8m6ancFx3R3ZfDwPVxpSvFGM2rJP3zyk6AMBDL is {me}"));
    let upgraded = cli.ok("me.json", &["program", "upgrade", "--so", &current_so()]);
    assert_eq!(upgraded["sha256"], deployed["sha256"]);
    assert_eq!(cli.ok("me.json", &["program", "verify", "--so", &current_so()])["upgradeAuthority"], me.as_str());
    assert!(cli.ok("me.json", &["pool", "show"])["totalLamports"].as_u64().unwrap() > 300 * SOL, "the pool reads the same after the upgrade");
    // To a multisig's vault (an address that cannot sign here), unchecked.
    let vault = cli.ok("vault.json", &["keygen"])["address"].as_str().unwrap().to_string();
    let handed = cli.ok("me.json", &["program", "set-upgrade-authority", "--new-upgrade-authority", &vault, "--skip-new-authority-signer-check"]);
    assert_eq!((handed["upgradeAuthority"].as_str(), handed["checked"].as_bool()), (Some(vault.as_str()), Some(false)));
    cli.fails("me.json", &["program", "upgrade", "--so", &current_so()], &format!("is {vault}, not {me}"));
    drop(validator);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"], vec!["pool", "--help"], vec!["pool", "create", "--help"], vec!["pool", "show", "--help"],
        vec!["validator", "--help"], vec!["validator", "add", "--help"], vec!["validator", "remove", "--help"],
        vec!["validator", "set-weight", "--help"], vec!["validator", "list", "--help"], vec!["set-fees", "--help"],
        vec!["set-roles", "--help"], vec!["withdraw-treasury", "--help"], vec!["pool", "rate", "--help"],
        vec!["set-reserve-buffer", "--help"], vec!["reset-rate-breaker", "--help"],
        vec!["pause", "--help"], vec!["unpause", "--help"], vec!["deposit", "--help"], vec!["deposit-stake", "--help"],
        vec!["instant-unstake", "--help"], vec!["order-unstake", "--help"], vec!["unstake", "--help"],
        vec!["withdraw-stake", "--help"], vec!["claim", "--help"], vec!["tickets", "--help"], vec!["crank", "--help"],
        vec!["wait-epoch", "--help"], vec!["airdrop", "--help"], vec!["address", "--help"], vec!["keygen", "--help"],
        vec!["balance", "--help"],
    ] {
        let output = Command::new(BIN).args(&args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("Usage:"), "{args:?}");
    }
}
