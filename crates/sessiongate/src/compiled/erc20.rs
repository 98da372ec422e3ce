//! The one ERC-20 reader: what a call to a token spends, under the counting rules of the limit
//! that asks (the native spend limit, or an imported contract's own), and the per-token budgets
//! of a spending-limit policy.

use super::Limit;
use crate::calldata::{CallKind, Selector, WordType, read_word, word_at};
use alloc::boxed::Box;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, sol};

sol! {
    function transfer(address to, uint256 amount);
    function approve(address spender, uint256 amount);
    function increaseAllowance(address spender, uint256 added);
    function decreaseAllowance(address spender, uint256 subtracted);
    function transferFrom(address from, address to, uint256 amount);
}

/// Which functions a limit counts and how; every other selector is refused as unknown, since its
/// effect on the balance is not known. `transfer` and `approve` always count their amount
/// (approvals accumulate, so re-approving cannot reset a budget).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Erc20Counting {
    /// `increaseAllowance` counts its amount.
    pub(crate) increase_allowance: bool,
    /// `decreaseAllowance` counts zero.
    pub(crate) decrease_allowance: bool,
    /// Which `transferFrom`s count.
    pub(crate) transfer_from: TransferFrom,
    /// Calldata without a selector is a native transfer spending nothing (else it is short).
    pub(crate) selectorless_is_native: bool,
}

/// Which `transferFrom`s a limit counts; with the account unknown, every one (fail closed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum TransferFrom {
    /// Those that move the account's own tokens.
    FromAccount,
    /// All but those that pay the account itself.
    NotToAccount,
    /// All.
    Always,
}

impl Erc20Counting {
    /// The native `spend_limit`'s counting.
    pub(crate) const NATIVE: Self = Self {
        increase_allowance: true,
        decrease_allowance: true,
        transfer_from: TransferFrom::FromAccount,
        selectorless_is_native: true,
    };
}

/// A spending-limit policy with per-token budgets: the call's target is the token, each listed
/// token has its own budget, and a token that is not listed has a budget of zero.
#[derive(Clone, Debug)]
pub(crate) struct TokenLimits {
    /// One budget per listed token (a token listed twice keeps the later amount).
    pub(crate) tokens: Box<[(Address, Limit)]>,
    /// The zero budget of every token not listed.
    pub(crate) unlisted: Limit,
    pub(crate) counting: Erc20Counting,
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

/// How much of a token a call to that token spends, or why it cannot be counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenSpend {
    Amount(U256),
    /// Calldata ends before a word the function needs: `abi.decode` reverts.
    Short {
        needed: usize,
    },
    /// An address argument with dirty high bits: `abi.decode` reverts.
    Dirty {
        offset: usize,
        word: U256,
    },
    /// A function the limit cannot account for.
    Unknown(Option<Selector>),
}

/// Reads what a call to a token spends, as `counting` says.
pub(crate) fn token_spend(
    data: &[u8],
    kind: CallKind,
    counting: Erc20Counting,
    account: Option<Address>,
) -> TokenSpend {
    let selector = match kind {
        CallKind::Function(selector) => selector,
        CallKind::Native if counting.selectorless_is_native => {
            return TokenSpend::Amount(U256::ZERO);
        }
        CallKind::Truncated(_) if counting.selectorless_is_native => {
            return TokenSpend::Unknown(None);
        }
        CallKind::Native | CallKind::Truncated(_) => return TokenSpend::Short { needed: 4 },
    };
    let amount =
        |at| address_then_amount(data, at).map_or_else(|e| e, |(_, a)| TokenSpend::Amount(a));
    match selector.0 {
        transferCall::SELECTOR | approveCall::SELECTOR => amount(4),
        increaseAllowanceCall::SELECTOR if counting.increase_allowance => amount(4),
        decreaseAllowanceCall::SELECTOR if counting.decrease_allowance => {
            address_then_amount(data, 4).map_or_else(|e| e, |_| TokenSpend::Amount(U256::ZERO))
        }
        transferFromCall::SELECTOR => match (address(data, 4), address_then_amount(data, 36)) {
            (Err(e), _) | (_, Err(e)) => e,
            (Ok(from), Ok((to, amount))) => {
                let counts = match counting.transfer_from {
                    TransferFrom::FromAccount => account.is_none_or(|a| a == from),
                    TransferFrom::NotToAccount => account != Some(to),
                    TransferFrom::Always => true,
                };
                TokenSpend::Amount(if counts { amount } else { U256::ZERO })
            }
        },
        _ => TokenSpend::Unknown(Some(selector)),
    }
}

/// An `(address, uint256)` pair starting at byte `at`.
fn address_then_amount(data: &[u8], at: usize) -> Result<(Address, U256), TokenSpend> {
    let address = address(data, at)?;
    let amount_at = at.saturating_add(32);
    let amount = read_word(data, amount_at).ok_or(TokenSpend::Short {
        needed: amount_at.saturating_add(32),
    })?;
    Ok((address, amount))
}

fn address(data: &[u8], at: usize) -> Result<Address, TokenSpend> {
    let word = word_at(data, at).ok_or(TokenSpend::Short {
        needed: at.saturating_add(32),
    })?;
    if !WordType::Address.is_valid_at(word) {
        return Err(TokenSpend::Dirty {
            offset: at.saturating_sub(4),
            word: U256::from_be_bytes(*word),
        });
    }
    Ok(Address::from_word((*word).into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const N: Erc20Counting = Erc20Counting::NATIVE;

    const ME: Address = address!("1111111111111111111111111111111111111111");
    const OTHER: Address = address!("2222222222222222222222222222222222222222");

    #[test]
    fn counts_each_selector() {
        let amount = U256::from(5);
        let t = transferCall { to: OTHER, amount }.abi_encode();
        let a = approveCall {
            spender: OTHER,
            amount,
        }
        .abi_encode();
        let i = increaseAllowanceCall {
            spender: OTHER,
            added: amount,
        }
        .abi_encode();
        let d = decreaseAllowanceCall {
            spender: OTHER,
            subtracted: amount,
        }
        .abi_encode();
        let own = transferFromCall {
            from: ME,
            to: OTHER,
            amount,
        }
        .abi_encode();
        let theirs = transferFromCall {
            from: OTHER,
            to: ME,
            amount,
        }
        .abi_encode();
        assert_eq!(
            token_spend(&t, CallKind::of(&t), N, Some(ME)),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&a, CallKind::of(&a), N, Some(ME)),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&i, CallKind::of(&i), N, Some(ME)),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&d, CallKind::of(&d), N, Some(ME)),
            TokenSpend::Amount(U256::ZERO)
        );
        assert_eq!(
            token_spend(&own, CallKind::of(&own), N, Some(ME)),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&theirs, CallKind::of(&theirs), N, Some(ME)),
            TokenSpend::Amount(U256::ZERO)
        );
        // Without a known account every transferFrom counts: fail closed.
        assert_eq!(
            token_spend(&theirs, CallKind::of(&theirs), N, None),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&[], CallKind::of(&[]), N, Some(ME)),
            TokenSpend::Amount(U256::ZERO)
        );
    }

    #[test]
    fn refuses_unknown_short_and_dirty() {
        let mut t = transferCall {
            to: OTHER,
            amount: U256::from(1),
        }
        .abi_encode();
        assert_eq!(
            token_spend(&t[..67], CallKind::of(&t[..67]), N, None),
            TokenSpend::Short { needed: 68 }
        );
        t[4] = 1;
        assert!(matches!(
            token_spend(&t, CallKind::of(&t), N, None),
            TokenSpend::Dirty { offset: 0, .. }
        ));
        assert!(matches!(
            token_spend(
                &[1, 2, 3, 4],
                CallKind::Function(crate::calldata::Selector::new([1, 2, 3, 4])),
                N,
                None
            ),
            TokenSpend::Unknown(Some(_))
        ));
        assert_eq!(
            token_spend(&[1], CallKind::of(&[1]), N, None),
            TokenSpend::Unknown(None)
        );
    }
}
