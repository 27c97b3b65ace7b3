//! Twenty-two epochs, twenty users, every deposit and exit mixed at random (seeded), a validator
//! removed and weights changed on the way, the real crank every epoch. After every transaction:
//! the books balance to the lamport and the rate has not fallen. At the end: every ticket was
//! claimed in full, and no user holds or received more than their LST was worth at the final rate
//! (deposits plus their share of rewards).
use liquid_staking::error::LiquidStakingError as E;
use liquid_staking_localnet::setup;
use liquid_staking_sdk::{decode, instructions as ix};
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_program_test::BanksClientError;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

/// xorshift64*: a small deterministic generator (no randomness crate needed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Default)]
struct Book {
    /// LST this user was ever minted (deposits of SOL and of stake).
    lst_minted: u64,
    /// Lamports received back (instantly, from tickets, as stake).
    received: u64,
    /// Open tickets: address and lamports owed.
    tickets: Vec<(Pubkey, u64)>,
    /// Stake accounts created for a later stake deposit: keypair, validator index, epoch created.
    stakes: Vec<(Keypair, u32, u64)>,
}

struct World {
    t: TestContext,
    users: Vec<Keypair>,
    books: Vec<Book>,
    rate: (u64, u64),
    transactions: usize,
    /// Successful user actions by route: deposit SOL, deposit stake, instant, ticket, one call,
    /// stake withdrawal, claim.
    done: [usize; 7],
}

impl World {
    /// After every transaction: books to the lamport (no unrecognised rewards outside the crank)
    /// and a rate no lower than before.
    async fn check(&mut self) {
        self.transactions += 1;
        self.t.assert_books(0).await;
        let pool = self.t.pool_state().await;
        let (t0, s0) = self.rate;
        assert!(
            pool.total_lamports as u128 * s0 as u128 >= t0 as u128 * pool.lst_supply as u128,
            "the rate fell: {t0}/{s0} -> {}/{}",
            pool.total_lamports,
            pool.lst_supply
        );
        self.rate = (pool.total_lamports, pool.lst_supply);
    }

    async fn wallet(&mut self, u: usize) -> u64 {
        let key = self.users[u].pubkey();
        self.t.chain.lamports(&key).await
    }

    async fn lst(&mut self, u: usize) -> u64 {
        let key = self.users[u].pubkey();
        self.t.lst_balance(&key).await
    }

    /// Runs a user transaction; a refusal must be one of `allowed` (and then changes nothing).
    async fn try_tx(&mut self, u: usize, ixs: &[solana_instruction::Instruction], extra: &[&Keypair], allowed: &[E]) -> bool {
        let user = self.users[u].insecure_clone();
        let mut signers: Vec<&Keypair> = vec![&user];
        signers.extend_from_slice(extra);
        let result: Result<(), BanksClientError> = self.t.chain.process(ixs, &signers).await;
        match result {
            Ok(()) => {
                self.check().await;
                true
            }
            Err(e) => {
                let code = error_code(&e);
                assert!(
                    allowed.iter().any(|a| Some(u32::from(*a)) == code),
                    "user {u}: unexpected failure {e:?}"
                );
                false
            }
        }
    }

    async fn claim_due_tickets(&mut self) {
        for u in 0..self.users.len() {
            let tickets = std::mem::take(&mut self.books[u].tickets);
            for (ticket, owed) in tickets {
                let wallet = self.wallet(u).await;
                let rent = self.t.chain.lamports(&ticket).await;
                let claim = ix::claim_ticket(&self.t.keys(), &self.users[u].pubkey(), &ticket);
                if self.try_tx(u, &[claim], &[], &[E::TicketNotClaimableYet, E::ReserveAwaitingUnstake]).await {
                    self.done[6] += 1;
                    assert_eq!(self.wallet(u).await, wallet + owed + rent, "ticket paid in full");
                    self.books[u].received += owed;
                } else {
                    self.books[u].tickets.push((ticket, owed));
                }
            }
        }
    }

    async fn act(&mut self, u: usize, rng: &mut Rng, epoch: u64) {
        let keys = self.t.keys();
        let user = self.users[u].pubkey();
        let owner_lst = self.t.lst_account_of(&user);
        let lst = self.lst(u).await;
        let part = |rng: &mut Rng| lst / 10 * (1 + rng.below(5));
        let votes = self.t.chain.validator_list(&keys).await.entries;
        match rng.below(10) {
            0..=2 => {
                let lamports = (1 + rng.below(20)) * LAMPORTS_PER_SOL + rng.below(1_000_000);
                let deposit = ix::deposit_sol(&ix::DepositSolParams { keys, depositor: user, recipient_lst: owner_lst, lamports, min_lst_out: 0 });
                if self.try_tx(u, &[deposit], &[], &[]).await {
                    self.books[u].lst_minted += self.lst(u).await - lst;
                    self.done[0] += 1;
                }
            }
            3 => {
                let index = rng.below(votes.len() as u64) as u32;
                let vote = votes[index as usize].vote_account;
                let owner = self.users[u].insecure_clone();
                let stake = self.t.user_stake_account(&owner, &vote, (2 + rng.below(5)) * LAMPORTS_PER_SOL).await;
                self.books[u].stakes.push((stake, index, epoch));
            }
            4 => {
                let ready: Vec<usize> = (0..self.books[u].stakes.len()).filter(|i| self.books[u].stakes[*i].2 < epoch).collect();
                if let Some(&i) = ready.first() {
                    let (stake, index, _) = self.books[u].stakes.remove(i);
                    // The validator may have moved (removal swaps entries): find it by vote account.
                    let account = self.t.chain.account(&stake.pubkey()).await.unwrap();
                    let solana_stake_interface::state::StakeStateV2::Stake(_, s, _) = bincode::deserialize(&account.data).unwrap() else { panic!() };
                    let vote = s.delegation.voter_pubkey;
                    let index = votes.iter().position(|e| e.vote_account == vote).map_or(index, |p| p as u32);
                    let deposit = ix::deposit_stake(&ix::DepositStakeParams {
                        keys, depositor: user, recipient_lst: owner_lst, index, vote_account: vote, deposit_stake: stake.pubkey(), min_lst_out: 0,
                    });
                    // The validator may be leaving the pool by now.
                    if self.try_tx(u, &deposit, &[], &[E::ValidatorIndexMismatch, E::ValidatorRemoving, E::ValidatorIndexOutOfRange, E::StakeNotActive]).await {
                        self.books[u].lst_minted += self.lst(u).await - lst;
                        self.done[1] += 1;
                    }
                }
            }
            5 if lst > 0 => {
                let wallet = self.wallet(u).await;
                let exit = ix::instant_unstake(&ix::InstantUnstakeParams { keys, owner: user, owner_lst, lst_amount: part(rng), min_lamports_out: 0 });
                if self.try_tx(u, &[exit], &[], &[E::InsufficientLiquidity, E::ExitTooSmall, E::ZeroAmount]).await {
                    self.books[u].received += self.wallet(u).await - wallet;
                    self.done[2] += 1;
                }
            }
            6 if lst > 0 => {
                let id = rng.next();
                let order = ix::order_unstake(&ix::OrderUnstakeParams { keys, owner: user, owner_lst, ticket_nonce: id, lst_amount: part(rng), min_lamports_out: 0 });
                if self.try_tx(u, &[order], &[], &[E::ExitTooSmall, E::ZeroAmount]).await {
                    let ticket = decode::ticket(&self.t.chain.account(&keys.ticket(&user, id)).await.unwrap().data).unwrap();
                    self.books[u].tickets.push((keys.ticket(&user, id), ticket.lamports));
                    self.done[3] += 1;
                }
            }
            7 if lst > 0 => {
                let id = rng.next();
                let wallet = self.wallet(u).await;
                let max_fee_bps = 10 + rng.below(290) as u16;
                let exit = ix::unstake(&ix::UnstakeParams { keys, owner: user, owner_lst, ticket_nonce: id, lst_amount: part(rng), max_fee_bps, min_lamports_out: 0, min_instant_lamports_out: 0 });
                if self.try_tx(u, &[exit], &[], &[E::ExitTooSmall, E::ZeroAmount]).await {
                    let rent = self.t.chain.lamports(&keys.ticket(&user, id)).await;
                    self.books[u].received += self.wallet(u).await + rent - wallet;
                    self.done[4] += 1;
                    if rent > 0 {
                        let ticket = decode::ticket(&self.t.chain.account(&keys.ticket(&user, id)).await.unwrap().data).unwrap();
                        self.books[u].tickets.push((keys.ticket(&user, id), ticket.lamports));
                    }
                }
            }
            8 if lst > 2 * LAMPORTS_PER_SOL => {
                let index = rng.below(votes.len() as u64) as usize;
                let new_stake = Keypair::new();
                let wallet = self.wallet(u).await;
                let exit = ix::withdraw_stake(&ix::WithdrawStakeParams {
                    keys, owner: user, owner_lst, index: index as u32, vote_account: votes[index].vote_account,
                    new_stake: new_stake.pubkey(), stake_account_rent_lamports: self.t.chain.rent_exempt_minimum(200).await,
                    lst_amount: part(rng).max(2 * LAMPORTS_PER_SOL), min_lamports_out: 0,
                });
                let allowed = [E::StakeWithdrawalTooLarge, E::StakeWithdrawalTooSmall, E::StakeNotActive, E::ValidatorRemoving];
                if self.try_tx(u, &exit, &[&new_stake], &allowed).await {
                    let stake_lamports = self.t.chain.lamports(&new_stake.pubkey()).await;
                    let rent_paid = wallet - self.wallet(u).await;
                    self.books[u].received += stake_lamports - rent_paid;
                    self.done[5] += 1;
                }
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn twenty_users_twenty_two_epochs_every_route() {
    let (t, _) = TestContext::staked(4, 100).await;
    let mut world = World { t, users: Vec::new(), books: Vec::new(), rate: (1, 1), transactions: 0, done: [0; 7] };
    let pool = world.t.pool_state().await;
    world.rate = (pool.total_lamports, pool.lst_supply);
    let keys = world.t.keys();
    for _ in 0..20 {
        let user = setup::funded_wallet(&mut world.t.chain, 500 * LAMPORTS_PER_SOL).await;
        let create = ix::create_lst_account(&user.pubkey(), &user.pubkey(), &keys.lst_mint);
        world.t.chain.process(&[create], &[&user]).await.unwrap();
        world.users.push(user);
        world.books.push(Book::default());
    }
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let operator = world.t.pool.operator.insecure_clone();
    for round in 0..22u64 {
        let rewards = world.t.advance_epoch().await;
        world.t.crank_checking_books(rewards).await;
        let epoch = world.t.chain.epoch().await;
        world.claim_due_tickets().await;
        for u in 0..world.users.len() {
            world.act(u, &mut rng, epoch).await;
        }
        // Operator moves: a weight change, then a removal, under load.
        if round == 5 {
            let vote = world.t.chain.validator_list(&keys).await.entries[1].vote_account;
            let set = ix::set_validator_weight(&ix::SetValidatorWeightParams { keys, operator: operator.pubkey(), index: 1, vote_account: vote, weight: 300 });
            world.t.chain.process(&[set], &[&operator]).await.unwrap();
            world.check().await;
        }
        if round == 9 {
            let vote = world.t.chain.validator_list(&keys).await.entries[2].vote_account;
            let remove = ix::remove_validator(&ix::RemoveValidatorParams { keys, operator: operator.pubkey(), index: 2, vote_account: vote });
            world.t.chain.process(&[remove], &[&operator]).await.unwrap();
            world.check().await;
        }
        // The crank's rebalance again after the users' moves (tickets and buffer).
        for tx in plan_step(&mut world.t.chain, &keys, CrankStep::Rebalance).await {
            world.t.chain.process(&tx, &[]).await.unwrap();
            world.check().await;
        }
    }
    // Let every ticket come due.
    for _ in 0..4 {
        let rewards = world.t.advance_epoch().await;
        world.t.crank_checking_books(rewards).await;
        world.claim_due_tickets().await;
    }
    assert!(world.books.iter().all(|b| b.tickets.is_empty()), "every ticket claimed in full");
    assert_eq!(world.t.pool_state().await.owed_lamports, 0);
    assert_eq!(world.t.pool_state().await.validator_count, 3, "the removed validator is gone");

    // Nobody got more than their LST was worth at the final rate.
    let pool = world.t.pool_state().await;
    let mut exits = 0;
    for u in 0..world.users.len() {
        let held = world.lst(u).await;
        let book = &world.books[u];
        let held_value = held as u128 * pool.total_lamports as u128 / pool.lst_supply as u128;
        let bound = book.lst_minted as u128 * pool.total_lamports as u128 / pool.lst_supply as u128;
        assert!(
            book.received as u128 + held_value <= bound + 1,
            "user {u} got {} + holds {held_value} > {bound}",
            book.received
        );
        exits += (book.received > 0) as usize;
    }
    assert!(exits >= 10, "most users exited at least once");
    eprintln!(
        "scenario: {} transactions checked; successes [SOL deposit, stake deposit, instant, ticket, one call, stake withdrawal, claim] = {:?}",
        world.transactions, world.done
    );
    assert!(world.done.iter().all(|n| *n > 0), "every route was taken: {:?}", world.done);
}
