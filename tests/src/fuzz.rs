//! Randomized invariant testing on the in-process chain (the accounting alone, 100,000s of
//! sequences a minute, is crates/fuzz): many pools, each driven by its own
//! seeded random sequence of real transactions (every deposit and exit route, donations to the
//! reserve and to stake accounts, validators added, removed and reweighted, pauses, partial and
//! full cranks), interleaved on one chain whose epochs pass with real rewards. One seed is one
//! pool's whole sequence: the same seed replays the same actions.
//!
//! Checked after every step, for every pool:
//! - a refused transaction changed none of its accounts (the fee payer aside);
//! - no value created: reserve + stake accounts >= SOL under management + SOL owed to tickets, and
//!   exactly equal plus what is not yet recognised (rewards, donations) whenever that is known;
//! - the validator list adds up to the pool's stake total; the mint's supply is the pool's count;
//! - the rate never falls (no slashes here) and the rate account shows no loss;
//! and at the end, after the crank ran a few more epochs: every ticket is paid, to the lamport.
use liquid_staking::state::{Pool, ValidatorEntry, PAUSED_ALL, VALIDATOR_STATUS_ACTIVE};
use liquid_staking_localnet::{plan_step, setup, CrankStep, LocalChain, SOL};
use liquid_staking_sdk::{addresses::lst_account, constants::STAKE_ACCOUNT_SPACE, decode, instructions as ix, PoolKeys};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

/// The accounting fuzz's generator (crates/fuzz): the same seeds, the same sequences.
pub use liquid_staking_fuzz::Rng;

#[derive(Debug, Clone, Copy)]
pub struct FuzzConfig {
    /// Epochs each sequence runs before the final drain.
    pub epochs: usize,
    /// Most actions a pool takes in one epoch.
    pub max_steps_per_epoch: u64,
    /// Vote accounts on the chain (each pool adds some of them).
    pub validators: usize,
}

impl Default for FuzzConfig {
    fn default() -> Self {
        Self { epochs: 6, max_steps_per_epoch: 8, validators: 4 }
    }
}

#[derive(Debug, Default, Clone)]
pub struct FuzzReport {
    pub sequences: usize,
    pub steps: usize,
    pub transactions_landed: usize,
    pub transactions_refused: usize,
    pub tickets_paid: usize,
    pub epochs: usize,
}

/// An invariant broke: which seed, where, what.
#[derive(Debug, Clone)]
pub struct Violation {
    pub seed: u64,
    pub epoch: usize,
    pub step: usize,
    pub action: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "seed {} epoch {} step {} ({}): {}", self.seed, self.epoch, self.step, self.action, self.message)
    }
}

struct Ticket {
    owner: usize,
    address: Pubkey,
}

/// One pool and its own random sequence.
struct Sim {
    seed: u64,
    rng: Rng,
    pool: setup::CreatedPool,
    users: Vec<Keypair>,
    tickets: Vec<Ticket>,
    /// Rewards and donations the next settlement recognises.
    unrecognised: u64,
    /// Donations to a stake account after its observation this epoch: this epoch's settlement
    /// misses them, the next one takes them.
    late: u64,
    /// The rate (total, supply) after the last step.
    last_rate: (u64, u64),
    step: usize,
}

type Outcome = Result<(), String>;

impl Sim {
    fn keys(&self) -> PoolKeys {
        self.pool.keys
    }

    fn fail(&self, epoch: usize, action: &str, message: String) -> Violation {
        Violation { seed: self.seed, epoch, step: self.step, action: action.to_string(), message }
    }
}

/// Reserve (less its rent) + every stake account of the pool's validators.
async fn holdings(chain: &mut LocalChain, keys: &PoolKeys, pool: &Pool, entries: &[ValidatorEntry]) -> u64 {
    let mut total = pool.reserve_free_lamports(chain.lamports(&keys.reserve).await);
    for e in entries {
        total += chain.lamports(&keys.validator_stake(&e.vote_account)).await;
        total += chain.lamports(&keys.transient_stake(&e.vote_account)).await;
    }
    total
}

/// Sends `instructions` signed by the payer and `signers`; on refusal checks that none of their
/// accounts changed. Ok(true) when it landed.
async fn send(chain: &mut LocalChain, report: &mut FuzzReport, instructions: &[Instruction], signers: &[&Keypair]) -> Result<bool, String> {
    let payer = chain.payer_pubkey();
    let mut keys: Vec<Pubkey> = instructions.iter().flat_map(|i| i.accounts.iter().map(|m| m.pubkey)).filter(|k| *k != payer).collect();
    keys.sort();
    keys.dedup();
    let mut before = Vec::with_capacity(keys.len());
    for k in &keys {
        before.push((*k, chain.account(k).await));
    }
    match chain.process(instructions, signers).await {
        Ok(()) => {
            report.transactions_landed += 1;
            Ok(true)
        }
        Err(e) => {
            report.transactions_refused += 1;
            let mut after = Vec::with_capacity(keys.len());
            for k in &keys {
                after.push((*k, chain.account(k).await));
            }
            let changed = before.iter().zip(&after).find(|(a, b)| a.1 != b.1).map(|(a, _)| a.0);
            if let Some(k) = changed {
                return Err(format!("a refused transaction ({e:?}) changed account {k}"));
            }
            Ok(false)
        }
    }
}

/// The invariants of one pool after a step.
async fn check(chain: &mut LocalChain, sim: &mut Sim) -> Outcome {
    let keys = sim.keys();
    let pool = chain.pool(&keys.pool).await;
    let list = chain.validator_list(&keys).await;
    let held = holdings(chain, &keys, &pool, &list.entries).await;
    let claims = pool.total_lamports as u128 + pool.owed_lamports as u128;
    if (held as u128) < claims {
        return Err(format!("value created: holdings {held} < under management {} + owed {}", pool.total_lamports, pool.owed_lamports));
    }
    let excess = held - claims as u64;
    if excess != sim.unrecognised + sim.late {
        return Err(format!(
            "books off: holdings exceed claims by {excess}, expected {} not yet recognised (+ {} late)",
            sim.unrecognised, sim.late
        ));
    }
    let recorded: u64 = list.entries.iter().map(|e| e.total_lamports()).sum();
    if recorded != pool.stake_lamports {
        return Err(format!("validator list records {recorded} staked, the pool {}", pool.stake_lamports));
    }
    let supply = chain.mint_supply(&keys.lst_mint).await;
    if supply != pool.lst_supply {
        return Err(format!("mint supply {supply} != pool's LST count {}", pool.lst_supply));
    }
    let (t0, s0) = sim.last_rate;
    if liquid_staking::math::rate_is_below(pool.total_lamports, pool.lst_supply, t0, s0) {
        return Err(format!("rate fell: {t0}/{s0} -> {}/{}", pool.total_lamports, pool.lst_supply));
    }
    sim.last_rate = (pool.total_lamports, pool.lst_supply);
    let rate = decode::exchange_rate(&chain.account(&keys.rate).await.ok_or("rate account missing")?.data).map_err(|e| e.to_string())?;
    if rate.flags != 0 {
        return Err(format!("rate account flags {} without a loss", rate.flags));
    }
    Ok(())
}

/// One random action of `sim`'s pool; returns its name.
async fn act(chain: &mut LocalChain, sim: &mut Sim, report: &mut FuzzReport, spare_votes: &[Pubkey]) -> Result<&'static str, String> {
    let keys = sim.keys();
    let pool = chain.pool(&keys.pool).await;
    let entries = chain.validator_list(&keys).await.entries;
    let epoch = chain.epoch().await;
    let user_index = sim.rng.below(sim.users.len() as u64) as usize;
    let user = sim.users[user_index].insecure_clone();
    let owner_lst = lst_account(&user.pubkey(), &keys.lst_mint);
    let balance = chain.token_balance(&owner_lst).await;
    let lst = match sim.rng.below(4) {
        0 => balance,
        1 => sim.rng.amount(balance.max(1)),
        _ => balance / (1 + sim.rng.below(8)),
    };
    let nonce = sim.rng.next();
    let pick = sim.rng.below(100);
    let name = match pick {
        0..=17 => {
            let lamports = sim.rng.amount(40 * SOL);
            send(chain, report, &[
                ix::create_lst_account(&user.pubkey(), &user.pubkey(), &keys.lst_mint),
                ix::deposit_sol(&ix::DepositSolParams { keys, depositor: user.pubkey(), recipient_lst: owner_lst, lamports, min_lst_out: 0 }),
            ], &[&user]).await?;
            "deposit_sol"
        }
        18..=27 => {
            let landed = send(chain, report, &[ix::order_unstake(&ix::OrderUnstakeParams { keys, owner: user.pubkey(), owner_lst, ticket_nonce: nonce, lst_amount: lst, min_lamports_out: 0 })], &[&user]).await?;
            if landed {
                sim.tickets.push(Ticket { owner: user_index, address: keys.ticket(&user.pubkey(), nonce) });
            }
            "order_unstake"
        }
        28..=37 => {
            send(chain, report, &[ix::instant_unstake(&ix::InstantUnstakeParams { keys, owner: user.pubkey(), owner_lst, lst_amount: lst, min_lamports_out: 0 })], &[&user]).await?;
            "instant_unstake"
        }
        38..=45 => {
            let max_fee_bps = [0u16, 10, 50, 300, 10_000][sim.rng.below(5) as usize];
            let landed = send(chain, report, &[ix::unstake(&ix::UnstakeParams { keys, owner: user.pubkey(), owner_lst, ticket_nonce: nonce, lst_amount: lst, max_fee_bps, min_lamports_out: 0, min_instant_lamports_out: 0 })], &[&user]).await?;
            let ticket = keys.ticket(&user.pubkey(), nonce);
            if landed && chain.account(&ticket).await.is_some() {
                sim.tickets.push(Ticket { owner: user_index, address: ticket });
            }
            "unstake"
        }
        46..=51 if !entries.is_empty() => {
            let index = sim.rng.below(entries.len() as u64) as u32;
            let new_stake = Keypair::new();
            let stake_account_rent_lamports = chain.rent_exempt_minimum(STAKE_ACCOUNT_SPACE as usize).await;
            let instructions = ix::withdraw_stake(&ix::WithdrawStakeParams {
                keys, owner: user.pubkey(), owner_lst, index, vote_account: entries[index as usize].vote_account,
                new_stake: new_stake.pubkey(), stake_account_rent_lamports, lst_amount: lst, min_lamports_out: 0,
            });
            send(chain, report, &instructions, &[&user, &new_stake]).await?;
            "withdraw_stake"
        }
        52..=59 if !sim.tickets.is_empty() => {
            let t = sim.rng.below(sim.tickets.len() as u64) as usize;
            let owner = sim.users[sim.tickets[t].owner].insecure_clone();
            let address = sim.tickets[t].address;
            if send(chain, report, &[ix::claim_ticket(&keys, &owner.pubkey(), &address)], &[&owner]).await? {
                sim.tickets.swap_remove(t);
                report.tickets_paid += 1;
            }
            "claim_ticket"
        }
        60..=64 => {
            // A donation: to the reserve, or to an active validator's main stake account.
            let lamports = sim.rng.amount(5 * SOL).max(1);
            let active: Vec<&ValidatorEntry> = entries.iter().filter(|e| e.status == VALIDATOR_STATUS_ACTIVE).collect();
            let (to, entry) = if active.is_empty() || sim.rng.chance(50) {
                (keys.reserve, None)
            } else {
                let e = active[sim.rng.below(active.len() as u64) as usize];
                (keys.validator_stake(&e.vote_account), Some(e))
            };
            if chain.account(&to).await.is_some() {
                let payer = chain.payer_pubkey();
                if send(chain, report, &[solana_system_interface::instruction::transfer(&payer, &to, lamports)], &[]).await? {
                    let settled = pool.last_update_epoch == epoch;
                    match entry {
                        Some(e) if !settled && e.last_observed_epoch == epoch => sim.late += lamports,
                        _ => sim.unrecognised += lamports,
                    }
                }
            }
            "donation"
        }
        65..=68 if !spare_votes.is_empty() => {
            let vote = spare_votes[sim.rng.below(spare_votes.len() as u64) as usize];
            let weight = 1 + sim.rng.below(5) as u32;
            let add = ix::add_validator(&ix::AddValidatorParams { keys, operator: sim.pool.operator.pubkey(), vote_account: vote, weight });
            let operator = sim.pool.operator.insecure_clone();
            send(chain, report, &[add], &[&operator]).await?;
            "add_validator"
        }
        69..=70 if !entries.is_empty() => {
            let index = sim.rng.below(entries.len() as u64) as u32;
            let operator = sim.pool.operator.insecure_clone();
            let remove = ix::remove_validator(&ix::RemoveValidatorParams { keys, operator: operator.pubkey(), index, vote_account: entries[index as usize].vote_account });
            send(chain, report, &[remove], &[&operator]).await?;
            "remove_validator"
        }
        71..=73 if !entries.is_empty() => {
            let index = sim.rng.below(entries.len() as u64) as u32;
            let operator = sim.pool.operator.insecure_clone();
            let weight = sim.rng.below(6) as u32;
            let set = ix::set_validator_weight(&ix::SetValidatorWeightParams { keys, operator: operator.pubkey(), index, vote_account: entries[index as usize].vote_account, weight });
            send(chain, report, &[set], &[&operator]).await?;
            "set_validator_weight"
        }
        74..=77 => {
            // The guardian pauses some flows; the admin reopens them.
            if pool.paused == 0 {
                let guardian = sim.pool.pause_guardian.insecure_clone();
                let flags = 1 + sim.rng.below(PAUSED_ALL as u64) as u8;
                send(chain, report, &[ix::set_pause(&keys, &guardian.pubkey(), flags)], &[&guardian]).await?;
            } else {
                let admin = sim.pool.admin.insecure_clone();
                send(chain, report, &[ix::set_pause(&keys, &admin.pubkey(), 0)], &[&admin]).await?;
            }
            "set_pause"
        }
        78..=85 => {
            // Part of the crank: one observe batch, or finalize, or one rebalance batch.
            let step = [CrankStep::Observe, CrankStep::Finalize, CrankStep::Rebalance][sim.rng.below(3) as usize];
            let txs = plan_step(chain, &keys, step).await;
            if !txs.is_empty() {
                let tx = txs[sim.rng.below(txs.len() as u64) as usize].clone();
                crank_tx(chain, sim, report, &tx, epoch).await?;
            }
            "partial crank"
        }
        _ => {
            full_crank(chain, sim, report).await?;
            "crank"
        }
    };
    Ok(name)
}

/// Sends one crank transaction; a settlement recognises all but the late donations.
async fn crank_tx(chain: &mut LocalChain, sim: &mut Sim, report: &mut FuzzReport, tx: &[Instruction], epoch: u64) -> Outcome {
    let keys = sim.keys();
    let settled_before = chain.pool(&keys.pool).await.last_update_epoch == epoch;
    send(chain, report, tx, &[]).await?;
    let pool = chain.pool(&keys.pool).await;
    if !settled_before && pool.last_update_epoch == epoch {
        sim.unrecognised = sim.late;
        sim.late = 0;
        // The settlement went to the rate account too.
        let rate = decode::exchange_rate(&chain.account(&keys.rate).await.ok_or("rate account missing")?.data).map_err(|e| e.to_string())?;
        if (rate.pool, rate.epoch, rate.total_lamports, rate.lst_supply) != (keys.pool, epoch, pool.total_lamports, pool.lst_supply) {
            return Err(format!("rate account {rate:?} does not show the settlement of epoch {epoch}"));
        }
    }
    Ok(())
}

/// The whole crank for the current epoch, as the bot runs it.
async fn full_crank(chain: &mut LocalChain, sim: &mut Sim, report: &mut FuzzReport) -> Outcome {
    let keys = sim.keys();
    let epoch = chain.epoch().await;
    for step in [CrankStep::Observe, CrankStep::Finalize, CrankStep::Rebalance] {
        // Observe re-plans until done; a refusal (a validator's state moved) is re-planned once.
        for _ in 0..4 {
            let txs = plan_step(chain, &keys, step).await;
            if txs.is_empty() {
                break;
            }
            for tx in txs {
                crank_tx(chain, sim, report, &tx, epoch).await?;
            }
            if step != CrankStep::Observe {
                break;
            }
        }
    }
    // The crank alone always brings the pool up to date.
    let pool = chain.pool(&keys.pool).await;
    if pool.last_update_epoch != epoch {
        return Err(format!("the full crank left the pool stale (updated in epoch {}, now {epoch})", pool.last_update_epoch));
    }
    Ok(())
}

/// Runs one batch of sequences (one per seed) on one chain; the first broken invariant stops it.
pub async fn run(seeds: &[u64], config: FuzzConfig) -> Result<FuzzReport, Violation> {
    let mut chain = LocalChain::start(config.validators).await;
    let votes = chain.vote_accounts.clone();
    let mut report = FuzzReport { sequences: seeds.len(), ..FuzzReport::default() };
    let mut sims = Vec::with_capacity(seeds.len());
    for &seed in seeds {
        let mut rng = Rng::new(seed);
        let config_pool = setup::PoolConfig::default();
        let pool = setup::create_pool(&mut chain, &config_pool).await.expect("pool created");
        let mut users = Vec::new();
        for _ in 0..3 {
            users.push(setup::funded_wallet(&mut chain, 1_000 * SOL).await);
        }
        // A first deposit funds the validators' stake accounts; staking starts in the first epoch.
        let first = (10 + rng.below(90)) * SOL;
        setup::deposit_sol(&mut chain, &pool.keys, &users[0], first, 0).await.expect("first deposit");
        let start = 1 + rng.below(votes.len() as u64) as usize;
        for vote in &votes[..start] {
            setup::add_validator(&mut chain, &pool, *vote, 1 + rng.below(3) as u32).await.expect("validator added");
        }
        let state = chain.pool(&pool.keys.pool).await;
        sims.push(Sim { seed, rng, pool, users, tickets: Vec::new(), unrecognised: 0, late: 0, last_rate: (state.total_lamports, state.lst_supply), step: 0 });
    }
    for epoch in 0..config.epochs {
        for sim in sims.iter_mut() {
            let steps = 1 + sim.rng.below(config.max_steps_per_epoch);
            for _ in 0..steps {
                sim.step += 1;
                report.steps += 1;
                let keys = sim.keys();
                let in_pool: Vec<Pubkey> = chain.validator_list(&keys).await.entries.iter().map(|e| e.vote_account).collect();
                let spare: Vec<Pubkey> = votes.iter().filter(|v| !in_pool.contains(v)).copied().collect();
                let action = match act(&mut chain, sim, &mut report, &spare).await {
                    Ok(a) => a,
                    Err(m) => return Err(sim.fail(epoch, "action", m)),
                };
                if let Err(m) = check(&mut chain, sim).await {
                    return Err(sim.fail(epoch, action, m));
                }
            }
        }
        advance(&mut chain, &mut sims).await;
        report.epochs += 1;
    }
    // The drain: the crank runs (unpaused) until every ticket can be claimed, then all are.
    for sim in sims.iter_mut() {
        let admin = sim.pool.admin.insecure_clone();
        let keys = sim.keys();
        send(&mut chain, &mut report, &[ix::set_pause(&keys, &admin.pubkey(), 0)], &[&admin]).await.map_err(|m| sim.fail(config.epochs, "unpause", m))?;
    }
    for round in 0..4 {
        for sim in sims.iter_mut() {
            full_crank(&mut chain, sim, &mut report).await.map_err(|m| sim.fail(config.epochs + round, "drain crank", m))?;
            check(&mut chain, sim).await.map_err(|m| sim.fail(config.epochs + round, "drain crank", m))?;
        }
        advance(&mut chain, &mut sims).await;
    }
    for sim in sims.iter_mut() {
        full_crank(&mut chain, sim, &mut report).await.map_err(|m| sim.fail(config.epochs + 4, "drain crank", m))?;
        let keys = sim.keys();
        for t in std::mem::take(&mut sim.tickets) {
            let owner = sim.users[t.owner].insecure_clone();
            let account = chain.account(&t.address).await.ok_or_else(|| sim.fail(config.epochs + 4, "drain", format!("ticket {} vanished unpaid", t.address)))?;
            let ticket = decode::ticket(&account.data).map_err(|e| sim.fail(config.epochs + 4, "drain", e.to_string()))?;
            let before = chain.lamports(&owner.pubkey()).await;
            let landed = send(&mut chain, &mut report, &[ix::claim_ticket(&keys, &owner.pubkey(), &t.address)], &[&owner]).await.map_err(|m| sim.fail(config.epochs + 4, "drain claim", m))?;
            if !landed {
                return Err(sim.fail(config.epochs + 4, "drain claim", format!("ticket of {} lamports not claimable after the drain", ticket.lamports)));
            }
            let paid = chain.lamports(&owner.pubkey()).await - before;
            if paid != ticket.lamports + account.lamports {
                return Err(sim.fail(config.epochs + 4, "drain claim", format!("ticket paid {paid}, owed {} + rent {}", ticket.lamports, account.lamports)));
            }
            report.tickets_paid += 1;
        }
        check(&mut chain, sim).await.map_err(|m| sim.fail(config.epochs + 4, "drain claims", m))?;
        let pool = chain.pool(&keys.pool).await;
        if pool.owed_lamports != 0 {
            return Err(sim.fail(config.epochs + 4, "drain", format!("{} lamports still owed with every ticket paid", pool.owed_lamports)));
        }
    }
    Ok(report)
}

/// Next epoch with real rewards; what each pool's accounts gained is unrecognised until settled.
async fn advance(chain: &mut LocalChain, sims: &mut [Sim]) {
    let mut before = Vec::with_capacity(sims.len());
    for sim in sims.iter() {
        let keys = sim.keys();
        let pool = chain.pool(&keys.pool).await;
        let entries = chain.validator_list(&keys).await.entries;
        before.push(holdings(chain, &keys, &pool, &entries).await);
    }
    chain.advance_epoch().await;
    for (sim, held_before) in sims.iter_mut().zip(before) {
        let keys = sim.keys();
        let pool = chain.pool(&keys.pool).await;
        let entries = chain.validator_list(&keys).await.entries;
        let held = holdings(chain, &keys, &pool, &entries).await;
        // (A boundary only adds rewards: a fall would show as books off at the next check.)
        let rewards = held.saturating_sub(held_before);
        // Late donations of an epoch that was never settled are observed again in the new one.
        sim.unrecognised += rewards + sim.late;
        sim.late = 0;
    }
}

/// The seeds saved because they once broke an invariant (tests/fuzz/regressions.txt: one seed per
/// line, `#` comments).
pub fn regression_seeds() -> Vec<u64> {
    let text = include_str!("../fuzz/regressions.txt");
    text.lines().filter_map(|l| l.split('#').next()).filter_map(|l| l.trim().parse().ok()).collect()
}
