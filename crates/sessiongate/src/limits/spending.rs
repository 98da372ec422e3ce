//! Per-token spending limits as Smart Sessions' `ERC20SpendingLimitPolicy` counts them: the call's
//! target is the token, each listed token has its own budget (spent plus approved), and a token
//! that is not listed has a budget of zero.

use super::Limit;
use crate::calldata::{Selector, WordType, read_word};
use crate::formats::smart_sessions::SpendingSemantics;
use alloc::boxed::Box;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;

use super::policy::{approveCall, increaseAllowanceCall, transferCall, transferFromCall};

/// A compiled `ERC20SpendingLimitPolicy` config.
#[derive(Clone, Debug)]
pub(crate) struct TokenLimits {
    /// One budget per listed token (a token listed twice keeps the later amount).
    pub(crate) tokens: Box<[(Address, Limit)]>,
    /// The zero budget of every token not listed.
    pub(crate) unlisted: Limit,
    pub(crate) semantics: SpendingSemantics,
}

impl TokenLimits {
    /// The budget for calls to `token`.
    pub(crate) fn limit(&self, token: Address) -> &Limit {
        self.tokens
            .iter()
            .find(|(t, _)| *t == token)
            .map_or(&self.unlisted, |(_, limit)| limit)
    }
}

/// Why the policy refuses a call before counting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Calldata ends before a word the function's `abi.decode` needs: the policy reverts.
    Short { needed: usize },
    /// An address argument with dirty high bits: `abi.decode` reverts.
    Dirty { offset: usize, word: U256 },
    /// A selector the policy does not count: it returns failure.
    Unknown(Option<Selector>),
}

/// What a call to a token adds to its budget, as the deployed policy computes it.
pub(crate) fn counted(
    data: &[u8],
    semantics: SpendingSemantics,
    account: Option<Address>,
) -> Result<U256, Refusal> {
    let Some(head) = data.get(..4) else {
        return Err(Refusal::Short { needed: 4 });
    };
    let selector = Selector::from_slice(head);
    match (selector.0, semantics) {
        (transferCall::SELECTOR | approveCall::SELECTOR, _)
        | (increaseAllowanceCall::SELECTOR, SpendingSemantics::V2) => {
            address_then_amount(data, 4).map(|(_, amount)| amount)
        }
        (transferFromCall::SELECTOR, _) => {
            address(data, 4)?;
            let (to, amount) = address_then_amount(data, 36)?;
            // HEAD does not count tokens pulled into the account itself; v1.0.0 counts them.
            // Without a known account, fail closed and count them.
            let to_self = semantics == SpendingSemantics::V2 && account == Some(to);
            Ok(if to_self { U256::ZERO } else { amount })
        }
        _ => Err(Refusal::Unknown(Some(selector))),
    }
}

fn address_then_amount(data: &[u8], at: usize) -> Result<(Address, U256), Refusal> {
    let address = address(data, at)?;
    let amount_at = at.saturating_add(32);
    let amount = read_word(data, amount_at).ok_or(Refusal::Short {
        needed: amount_at.saturating_add(32),
    })?;
    Ok((address, amount))
}

fn address(data: &[u8], at: usize) -> Result<Address, Refusal> {
    let word = read_word(data, at).ok_or(Refusal::Short {
        needed: at.saturating_add(32),
    })?;
    if !WordType::Address.is_valid(&word) {
        return Err(Refusal::Dirty {
            offset: at.saturating_sub(4),
            word,
        });
    }
    Ok(Address::from_word(word.to_be_bytes::<32>().into()))
}
