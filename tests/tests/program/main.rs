//! Program tests on the in-process chain: our program (native), the real Stake program and
//! SPL Token, real transactions. One module per instruction, plus the lifecycle scenario.
mod add_validator;
mod crank;
mod deposit_sol;
mod deposit_stake;
mod epoch_boundary;
mod withdraw_stake;
mod initialize_pool;
mod instant_unstake;
mod unstake;
mod withdraw_treasury;
mod known_failures;
mod lifecycle;
mod rate;
mod rate_consumer;
mod rebalance_validator;
mod order_unstake;
mod prefunded_addresses;
mod claim_ticket;
mod remove_validator;
mod review_findings;
mod scenario;
mod set_fees;
mod set_pause;
mod set_validator_weight;
mod transfer_admin;
