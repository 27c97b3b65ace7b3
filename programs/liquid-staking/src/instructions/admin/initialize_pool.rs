use crate::{constants::*, error::LiquidStakingError, events::PoolInitialized, state::*};
use anchor_lang::prelude::*;
use anchor_lang::system_program;
use anchor_spl::associated_token::{self, get_associated_token_address, AssociatedToken};
use anchor_spl::token::TokenAccount;
use anchor_spl::token::{self, Token};

#[derive(Accounts)]
pub struct InitializePool<'info> {
    /// Pays every rent and the initial deposit.
    #[account(mut)]
    pub payer: Signer<'info>,
    /// The new LST mint; a fresh keypair (its signature proves nobody else can create this pool).
    /// CHECK: created and initialised as a classic SPL Token mint by this instruction.
    #[account(mut, signer)]
    pub lst_mint: UncheckedAccount<'info>,
    /// The pool `[POOL_SEED, lst_mint]`, created and written here (not with Anchor's `init`, whose
    /// path for an address that already holds lamports, CreateAccountAllowPrefund, agave 3.1 lacks).
    /// CHECK: its address by the seeds; created here.
    #[account(mut, seeds = [POOL_SEED, lst_mint.key().as_ref()], bump)]
    pub pool: UncheckedAccount<'info>,
    #[account(mut, seeds = [RESERVE_SEED, pool.key().as_ref()], bump)]
    pub reserve: SystemAccount<'info>,
    /// Allocated by the caller (ValidatorList::SPACE bytes, owned by this program) in the same
    /// transaction; claimed here.
    #[account(zero)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    /// The exchange-rate account lenders read, `[RATE_SEED, pool]`, created and written here (as
    /// the pool is, for the same reason).
    /// CHECK: its address by the seeds; created here.
    #[account(mut, seeds = [RATE_SEED, pool.key().as_ref()], bump)]
    pub rate: UncheckedAccount<'info>,
    /// CHECK: any key; it becomes the admin.
    pub admin: UncheckedAccount<'info>,
    /// CHECK: any key; it becomes the operator.
    pub operator: UncheckedAccount<'info>,
    /// CHECK: any key; it becomes the pause guardian.
    pub pause_guardian: UncheckedAccount<'info>,
    /// CHECK: any key; it becomes the treasury authority (may withdraw the treasury's LST).
    pub treasury_authority: UncheckedAccount<'info>,
    /// The pool's treasury `[TREASURY_SEED, pool]`, created here as an LST account owned by the pool.
    /// CHECK: its address by the seeds; created here.
    #[account(mut, seeds = [TREASURY_SEED, pool.key().as_ref()], bump)]
    pub treasury: UncheckedAccount<'info>,
    /// The pool's own associated LST account, created here; it holds the LST of the initial
    /// deposit forever (no instruction moves it).
    /// CHECK: its address; created here.
    #[account(mut, address = get_associated_token_address(&pool.key(), &lst_mint.key()))]
    pub locked_lst: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
    pub associated_token_program: Program<'info, AssociatedToken>,
    pub system_program: Program<'info, System>,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitializePoolArgs {
    pub fees: Fees,
    pub reserve_buffer_bps: u16,
    /// At least MIN_INITIAL_DEPOSIT_LAMPORTS; its LST is locked in the pool forever.
    pub initial_deposit_lamports: u64,
}

pub fn initialize_pool(ctx: Context<InitializePool>, args: InitializePoolArgs) -> Result<()> {
    args.fees.validate()?;
    Pool::validate_reserve_buffer(args.reserve_buffer_bps)?;
    require!(
        args.initial_deposit_lamports >= MIN_INITIAL_DEPOSIT_LAMPORTS,
        LiquidStakingError::InitialDepositTooSmall
    );
    require!(
        ctx.accounts.validator_list.to_account_info().data_len() >= ValidatorList::SPACE,
        LiquidStakingError::ValidatorListTooSmall
    );
    let a = &ctx.accounts;
    let clock = Clock::get()?;
    let rent = Rent::get()?;
    let system = a.system_program.key();
    let system_info = a.system_program.to_account_info();
    let mint_key = a.lst_mint.key();
    let pool_key = a.pool.key();
    let bump = ctx.bumps.pool;

    // The pool and its rate account: funded up to their rent, allocated and assigned (whatever
    // someone sent to these addresses first stays there).
    let pool_seeds: &[&[u8]] = &[POOL_SEED, mint_key.as_ref(), &[bump]];
    let rate_seeds: &[&[u8]] = &[RATE_SEED, pool_key.as_ref(), &[ctx.bumps.rate]];
    for (account, seeds, space) in [(&a.pool, pool_seeds, Pool::SPACE), (&a.rate, rate_seeds, ExchangeRate::SPACE)] {
        crate::cpi::create_owned_account(
            a.payer.to_account_info(),
            None,
            account.to_account_info(),
            Some(seeds),
            rent.minimum_balance(space),
            space as u64,
            &crate::ID,
            &system_info,
        )?;
    }

    // The LST mint: classic SPL Token, 9 decimals, the pool as mint authority, no freeze authority.
    // (Not create_account: lamports sent to the mint's address first must not block the pool.)
    let mint_space = anchor_spl::token::Mint::LEN;
    crate::cpi::create_owned_account(
        a.payer.to_account_info(),
        None,
        a.lst_mint.to_account_info(),
        None,
        rent.minimum_balance(mint_space),
        mint_space as u64,
        &token::ID,
        &a.system_program.to_account_info(),
    )?;
    token::initialize_mint2(
        CpiContext::new(a.token_program.key(), token::InitializeMint2 { mint: a.lst_mint.to_account_info() }),
        9,
        &a.pool.key(),
        None,
    )?;
    associated_token::create_idempotent(CpiContext::new(
        a.associated_token_program.key(),
        associated_token::Create {
            payer: a.payer.to_account_info(),
            associated_token: a.locked_lst.to_account_info(),
            authority: a.pool.to_account_info(),
            mint: a.lst_mint.to_account_info(),
            system_program: a.system_program.to_account_info(),
            token_program: a.token_program.to_account_info(),
        },
    ))?;
    // The treasury: a token account at a PDA of this program, owned (as token authority) by the pool.
    let treasury_bump = ctx.bumps.treasury;
    let treasury_seeds: &[&[u8]] = &[TREASURY_SEED, pool_key.as_ref(), &[treasury_bump]];
    crate::cpi::create_owned_account(
        a.payer.to_account_info(),
        None,
        a.treasury.to_account_info(),
        Some(treasury_seeds),
        rent.minimum_balance(TokenAccount::LEN),
        TokenAccount::LEN as u64,
        &token::ID,
        &a.system_program.to_account_info(),
    )?;
    token::initialize_account3(CpiContext::new(
        a.token_program.key(),
        token::InitializeAccount3 {
            account: a.treasury.to_account_info(),
            mint: a.lst_mint.to_account_info(),
            authority: a.pool.to_account_info(),
        },
    ))?;

    // The reserve: rent-exempt (not pool money) plus the initial deposit.
    let reserve_rent_lamports = rent.minimum_balance(0);
    system_program::transfer(
        CpiContext::new(
            system,
            system_program::Transfer { from: a.payer.to_account_info(), to: a.reserve.to_account_info() },
        ),
        reserve_rent_lamports + args.initial_deposit_lamports,
    )?;

    token::mint_to(
        CpiContext::new_with_signer(
            a.token_program.key(),
            token::MintTo {
                mint: a.lst_mint.to_account_info(),
                to: a.locked_lst.to_account_info(),
                authority: a.pool.to_account_info(),
            },
            &[pool_seeds],
        ),
        args.initial_deposit_lamports,
    )?;

    let mut list = ctx.accounts.validator_list.load_init()?;
    list.pool = pool_key;
    list.count = 0;
    list.version = VALIDATOR_LIST_VERSION;
    list.scoring = ValidatorScoring::new_default();
    drop(list);

    let mut rate = <ExchangeRate as anchor_lang::__private::bytemuck::Zeroable>::zeroed();
    rate.pool = pool_key;
    rate.record(args.initial_deposit_lamports, args.initial_deposit_lamports, 0, &clock);
    let mut rate_data = ctx.accounts.rate.try_borrow_mut_data()?;
    rate_data[..8].copy_from_slice(ExchangeRate::DISCRIMINATOR);
    rate_data[8..ExchangeRate::SPACE].copy_from_slice(anchor_lang::__private::bytemuck::bytes_of(&rate));
    drop(rate_data);

    let a = &ctx.accounts;
    let mut pool = Pool {
        version: POOL_VERSION,
        bump,
        reserve_bump: ctx.bumps.reserve,
        admin: a.admin.key(),
        proposed_admin: Pubkey::default(),
        operator: a.operator.key(),
        pause_guardian: a.pause_guardian.key(),
        paused: 0,
        lst_mint: mint_key,
        treasury: a.treasury.key(),
        treasury_bump,
        treasury_authority: a.treasury_authority.key(),
        validator_list: a.validator_list.key(),
        fees: args.fees,
        pending_fees: args.fees,
        pending_fees_epoch: u64::MAX,
        reserve_buffer_bps: args.reserve_buffer_bps,
        total_lamports: args.initial_deposit_lamports,
        lst_supply: args.initial_deposit_lamports,
        last_update_epoch: clock.epoch,
        stake_lamports: 0,
        owed_lamports: 0,
        unstaking_lamports: 0,
        tickets_opened: 0,
        reserve_rent_lamports,
        validator_count: 0,
        observed_count: 0,
        observe_epoch: clock.epoch,
        total_weight: 0,
        previous_total_lamports: args.initial_deposit_lamports,
        previous_lst_supply: args.initial_deposit_lamports,
        previous_update_epoch: clock.epoch,
        last_rewards_lamports: 0,
        last_fee_lamports: 0,
        last_rewards_slots: 0,
        instant_fees_retained_lamports: 0,
        instant_curve_target_lamports: 0,
        created_epoch: clock.epoch,
        initial_total_lamports: args.initial_deposit_lamports,
        initial_lst_supply: args.initial_deposit_lamports,
        stake_increases_epoch: clock.epoch,
        stake_increases: 0,
        observed_loss_lamports: 0,
        pending_reserve_buffer_bps: 0,
        pending_reserve_buffer_epoch: 0,
        _reserved: [0; 28],
    };
    pool.reset_instant_curve()?;
    pool.try_serialize(&mut &mut a.pool.try_borrow_mut_data()?[..])?;

    emit!(PoolInitialized {
        pool: pool_key,
        lst_mint: mint_key,
        admin: pool.admin,
        operator: pool.operator,
        treasury: pool.treasury,
        treasury_authority: pool.treasury_authority,
        validator_list: pool.validator_list,
        pause_guardian: pool.pause_guardian,
        fees: args.fees,
        reserve_buffer_bps: args.reserve_buffer_bps,
        initial_deposit_lamports: args.initial_deposit_lamports,
        epoch: clock.epoch,
    });
    Ok(())
}
