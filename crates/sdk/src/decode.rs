//! Decoding the program's accounts from raw account data.
use anchor_lang::{AccountDeserialize, Discriminator};
use liquid_staking::state::{Pool, Ticket, ValidatorEntry, ValidatorList, ValidatorRecord, ValidatorScoring};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not the expected account type (discriminator) or too short.
    WrongAccountType(&'static str),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::WrongAccountType(t) => write!(f, "account data is not a {t}"),
        }
    }
}
impl std::error::Error for DecodeError {}

pub fn pool(data: &[u8]) -> Result<Pool, DecodeError> {
    Pool::try_deserialize(&mut &data[..]).map_err(|_| DecodeError::WrongAccountType("Pool"))
}

/// The amount held by an SPL Token account (`None` if the data is not one).
pub fn token_amount(data: &[u8]) -> Option<u64> {
    <spl_token_interface::state::Account as solana_program_pack::Pack>::unpack(data).ok().map(|a| a.amount)
}

/// The supply of an SPL Token mint (`None` if the data is not one).
pub fn mint_supply(data: &[u8]) -> Option<u64> {
    <spl_token_interface::state::Mint as solana_program_pack::Pack>::unpack(data).ok().map(|m| m.supply)
}

pub fn ticket(data: &[u8]) -> Result<Ticket, DecodeError> {
    Ticket::try_deserialize(&mut &data[..]).map_err(|_| DecodeError::WrongAccountType("Ticket"))
}

/// The filters that select one owner's tickets with getProgramAccounts: the account type
/// (discriminator at offset 0) and the owner (at `TICKET_OWNER_OFFSET`), as (offset, bytes) pairs.
pub fn ticket_filters(owner: &anchor_lang::prelude::Pubkey) -> [(usize, Vec<u8>); 2] {
    [
        (0, Ticket::DISCRIMINATOR.to_vec()),
        (liquid_staking::state::TICKET_OWNER_OFFSET, owner.to_bytes().to_vec()),
    ]
}

/// A validator list's header fields, its used entries and their records, and the rules.
#[derive(Debug, Clone)]
pub struct DecodedValidatorList {
    pub pool: anchor_lang::prelude::Pubkey,
    /// VALIDATOR_LIST_VERSION; 0 for a list from before the records (which then has no records
    /// and no scoring, and must migrate).
    pub version: u8,
    pub entries: Vec<ValidatorEntry>,
    /// `records[i]` belongs to `entries[i]` (empty for version 0).
    pub records: Vec<ValidatorRecord>,
    pub scoring: Option<ValidatorScoring>,
}

/// Decodes the header, the `count` used entries and records, and the rules (copying; the account
/// data need not be aligned). A list of layout 0 decodes with its entries only.
pub fn validator_list(data: &[u8]) -> Result<DecodedValidatorList, DecodeError> {
    let wrong = DecodeError::WrongAccountType("ValidatorList");
    if data.len() < ValidatorList::SPACE_V0 || &data[..8] != ValidatorList::DISCRIMINATOR {
        return Err(wrong);
    }
    let current = data.len() >= ValidatorList::SPACE;
    let body = &data[8..];
    let pool_at = std::mem::offset_of!(ValidatorList, pool);
    let count_at = std::mem::offset_of!(ValidatorList, count);
    let header = std::mem::offset_of!(ValidatorList, entries);
    let pool = anchor_lang::prelude::Pubkey::try_from(&body[pool_at..pool_at + 32]).map_err(|_| wrong.clone())?;
    let count = u32::from_le_bytes(body[count_at..count_at + 4].try_into().expect("4 bytes")) as usize;
    let size = std::mem::size_of::<ValidatorEntry>();
    let entries = (0..count)
        .map(|i| bytemuck::pod_read_unaligned::<ValidatorEntry>(&body[header + i * size..header + (i + 1) * size]))
        .collect();
    let version = body[std::mem::offset_of!(ValidatorList, version)];
    let (records, scoring) = if current {
        let at = std::mem::offset_of!(ValidatorList, records);
        let size = std::mem::size_of::<ValidatorRecord>();
        let records = (0..count).map(|i| bytemuck::pod_read_unaligned::<ValidatorRecord>(&body[at + i * size..at + (i + 1) * size])).collect();
        let at = std::mem::offset_of!(ValidatorList, scoring);
        (records, Some(bytemuck::pod_read_unaligned::<ValidatorScoring>(&body[at..at + std::mem::size_of::<ValidatorScoring>()])))
    } else {
        (Vec::new(), None)
    };
    Ok(DecodedValidatorList { pool, version, entries, records, scoring })
}

/// The rate account (`ExchangeRate`) from its account data (with the discriminator) or from
/// `get_rate`'s return data (without it; the breaker's state after its 80 bytes then reads zero).
pub fn exchange_rate(data: &[u8]) -> Result<liquid_staking::state::ExchangeRate, DecodeError> {
    use liquid_staking::state::ExchangeRate;
    let wrong = DecodeError::WrongAccountType("ExchangeRate");
    let body = if data.len() >= ExchangeRate::SPACE && &data[..8] == ExchangeRate::DISCRIMINATOR {
        &data[8..]
    } else if data.len() == ExchangeRate::RETURN_LEN {
        data
    } else {
        return Err(wrong);
    };
    // Return data stops before the breaker's state: those fields read as zero.
    let mut bytes = [0u8; std::mem::size_of::<ExchangeRate>()];
    let len = body.len().min(bytes.len());
    bytes[..len].copy_from_slice(&body[..len]);
    Ok(bytemuck::pod_read_unaligned::<ExchangeRate>(&bytes))
}

/// A validator's main stake account as `rebalance_validator` sees it (`Pool::plan_rebalance`):
/// its activation in `epoch` against the StakeHistory sysvar's data, and its delegation. None for
/// an account that is not a delegated stake account (never created, closed, or only lamports).
pub fn main_stake(owner: &anchor_lang::prelude::Pubkey, data: &[u8], epoch: u64, stake_history: &[u8]) -> Option<liquid_staking::state::MainStake> {
    use solana_stake_interface::state::StakeStateV2;
    if *owner != solana_stake_interface::program::ID {
        return None;
    }
    let StakeStateV2::Stake(_, stake, _) = bincode::deserialize::<StakeStateV2>(data).ok()? else {
        return None;
    };
    let history = liquid_staking::checks::StakeHistoryView::new(stake_history).ok()?;
    Some(liquid_staking::state::MainStake {
        status: liquid_staking::checks::stake_status(&stake.delegation, epoch, &history),
        delegated_lamports: stake.delegation.stake,
    })
}

/// The program's events of type `E` in a transaction's log (Anchor writes each as a `Program
/// data:` line: base64 of the event's discriminator and its Borsh bytes), in order.
pub fn events<E: anchor_lang::Event + anchor_lang::AnchorDeserialize>(logs: &[String]) -> Vec<E> {
    use base64::Engine;
    logs.iter()
        .filter_map(|line| line.strip_prefix("Program data: "))
        .filter_map(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
        .filter(|bytes| bytes.starts_with(E::DISCRIMINATOR))
        .filter_map(|bytes| E::deserialize(&mut &bytes[E::DISCRIMINATOR.len()..]).ok())
        .collect()
}
