use super::spending::TokenLimits;
use crate::calldata::{CallKind, Selector, WordType, read_word};
use crate::rules::RuleTree;
use alloc::boxed::Box;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, sol};

/// A cumulative cap and the ledger counter it reads.
#[derive(Clone, Debug)]
pub(crate) struct Limit {
    pub(crate) key: Box<str>,
    pub(crate) cap: U256,
    /// When set, the cap applies per fixed window of time and each window has its own counter.
    pub(crate) window: Option<Window>,
    /// When set, the budget refills instead of resetting (`window` is then `None`).
    pub(crate) refill: Option<Box<Refill>>,
}

/// A refilling budget (a token bucket, as Zodiac's allowances): it starts full at the cap, and
/// each whole period of `every` since the last refill adds `amount`, never above the cap.
///
/// The ledger holds only counters that grow, so the bucket is three of them: what was used
/// (the limit's own key), what was refilled, and how many periods were already accounted for.
/// The balance is `cap + refilled - used`.
#[derive(Clone, Debug)]
pub(crate) struct Refill {
    pub(crate) every: Window,
    pub(crate) amount: U256,
    pub(crate) refilled_key: Box<str>,
    pub(crate) periods_key: Box<str>,
}

/// A refilling budget's standing before a charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bucket {
    /// What one more call may take now, refill included.
    pub(crate) balance: U256,
    /// What this period's refill adds (0 when already counted or full).
    pub(crate) credit: U256,
    /// Whole periods since the last refill was counted.
    pub(crate) elapsed: U256,
}

impl Refill {
    /// The bucket after crediting the whole periods up to `period` (the index `now` falls in),
    /// never above `cap`. A clock that went back credits nothing. The balance is computed as
    /// `cap - (used - refilled)`, so it stays exact when `cap + refilled` passes 2^256.
    pub(crate) fn bucket(
        &self,
        cap: U256,
        used: U256,
        refilled: U256,
        counted: U256,
        period: u64,
    ) -> Bucket {
        // Refills never pass what was used (the balance never passes the cap); counters that say
        // otherwise were not written by this budget and read as an empty bucket: fail closed.
        let balance = used
            .checked_sub(refilled)
            .map_or(U256::ZERO, |taken| cap.saturating_sub(taken));
        let elapsed = U256::from(period).saturating_sub(counted);
        let credit = self
            .amount
            .saturating_mul(elapsed)
            .min(cap.saturating_sub(balance));
        Bucket {
            balance: balance.saturating_add(credit).min(cap),
            credit,
            elapsed,
        }
    }
}

impl Window {
    /// The key of the window `index` of the limit keyed `key`: `key@<second it opens>`.
    pub(crate) fn key(self, key: &str, index: u64) -> alloc::string::String {
        let opens = index.saturating_mul(self.period).saturating_add(self.start);
        alloc::format!("{key}@{opens}")
    }
}

/// At least `seconds` between two allowed calls; the counter holds the first second the next
/// call may come (0 until a call is allowed).
#[derive(Clone, Debug)]
pub(crate) struct Spacing {
    pub(crate) key: Box<str>,
    pub(crate) seconds: u64,
}

/// Fixed windows of `period` seconds counted from `start`: window `n` is
/// `[start + n·period, start + (n+1)·period)`. thirdweb's Allowance uses `start = 0` (the epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    /// Length in seconds; never 0 (refused at load).
    pub(crate) period: u64,
    pub(crate) start: u64,
}

impl Window {
    /// The window `now` falls in and when it ends; `None` before `start`, or when `period` is 0.
    pub(crate) fn at(self, now: u64) -> Option<(u64, u64)> {
        let index = now.checked_sub(self.start)?.checked_div(self.period)?;
        let end = index
            .checked_add(1)
            .and_then(|n| n.checked_mul(self.period))
            .and_then(|n| n.checked_add(self.start))
            .unwrap_or(u64::MAX);
        Some((index, end))
    }
}

impl Limit {
    /// A cap over all time.
    pub(crate) fn new(key: impl Into<Box<str>>, cap: U256) -> Self {
        Self {
            key: key.into(),
            cap,
            window: None,
            refill: None,
        }
    }

    /// When the budget next grows: the end of the current window, or the next refill.
    pub(crate) fn renews_at(&self, now: u64) -> Option<u64> {
        let window = self.window.or(self.refill.as_ref().map(|r| r.every))?;
        window.at(now).map(|(_, end)| end)
    }
}

/// A compiled policy with the document path it came from.
#[derive(Clone, Debug)]
pub(crate) struct Policy {
    pub(crate) path: Box<str>,
    pub(crate) kind: PolicyKind,
}

#[derive(Clone, Debug)]
pub(crate) enum PolicyKind {
    Sudo,
    TimeWindow {
        valid_after: Option<u64>,
        valid_until: Option<u64>,
    },
    MaxValue(U256),
    ValueLimit(Limit),
    UsageLimit(Limit),
    /// A minimum time between allowed calls.
    Spacing(Spacing),
    SpendLimit {
        token: Address,
        limit: Limit,
    },
    /// Per-token budgets with a contract's own counting (Smart Sessions spending limits).
    TokenLimits(Box<TokenLimits>),
    /// Parameter rules in an and/or/not tree.
    Tree(Box<RuleTree>),
    /// A configuration that enables but never allows, with the reason.
    Unusable(&'static str),
    /// The paymasters a user operation may name.
    Paymaster(Box<[Address]>),
    /// Caps on one user operation's gas and cost; denies without a user operation.
    UserOpGas {
        max_gas: Option<U256>,
        max_cost: Option<U256>,
    },
    /// Smart Sessions' paymaster rule: an operation with a paymaster needs the session's
    /// `permitERC4337Paymaster` and at least one user-operation policy.
    SmartPaymaster {
        /// None when an operation with a paymaster passes; else why the module reverts.
        refusal: Option<&'static str>,
    },
}

sol! {
    function transfer(address to, uint256 amount);
    function approve(address spender, uint256 amount);
    function increaseAllowance(address spender, uint256 added);
    function decreaseAllowance(address spender, uint256 subtracted);
    function transferFrom(address from, address to, uint256 amount);
}

/// How much of a token a call to that token spends, as the spend limit counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenSpend {
    Amount(U256),
    /// Calldata ends before the word the function needs.
    Short {
        needed: usize,
    },
    /// An address argument with dirty high bits: the token would revert.
    Dirty {
        offset: usize,
        word: U256,
    },
    /// A function the limit cannot account for.
    Unknown(Option<Selector>),
}

/// Reads what a call to a spend-limited token spends: `transfer`, `approve` and
/// `increaseAllowance` count their amount (approvals accumulate, so re-approving cannot reset the
/// budget), `transferFrom` counts when it moves the account's own tokens (or when the account is
/// not known), `decreaseAllowance` and plain native transfers count zero, and anything else is
/// refused because its effect on the balance is unknown.
pub(crate) fn token_spend(data: &[u8], kind: CallKind, account: Option<Address>) -> TokenSpend {
    let selector = match kind {
        CallKind::Native => return TokenSpend::Amount(U256::ZERO),
        CallKind::Truncated(_) => return TokenSpend::Unknown(None),
        CallKind::Function(selector) => selector,
    };
    match selector.0 {
        transferCall::SELECTOR | approveCall::SELECTOR | increaseAllowanceCall::SELECTOR => {
            two_words(data).map_or_else(|e| e, |(_, amount)| TokenSpend::Amount(amount))
        }
        decreaseAllowanceCall::SELECTOR => {
            two_words(data).map_or_else(|e| e, |_| TokenSpend::Amount(U256::ZERO))
        }
        transferFromCall::SELECTOR => match (address_at(data, 4), two_words_at(data, 36)) {
            (Err(e), _) | (_, Err(e)) => e,
            (Ok(from), Ok((_, amount))) => {
                let own = account.is_none_or(|a| a == from);
                TokenSpend::Amount(if own { amount } else { U256::ZERO })
            }
        },
        _ => TokenSpend::Unknown(Some(selector)),
    }
}

fn two_words(data: &[u8]) -> Result<(Address, U256), TokenSpend> {
    two_words_at(data, 4)
}

/// An `(address, uint256)` pair starting at byte `at`.
fn two_words_at(data: &[u8], at: usize) -> Result<(Address, U256), TokenSpend> {
    let address = address_at(data, at)?;
    let amount_at = at.saturating_add(32);
    let amount = read_word(data, amount_at).ok_or(TokenSpend::Short {
        needed: amount_at.saturating_add(32),
    })?;
    Ok((address, amount))
}

fn address_at(data: &[u8], at: usize) -> Result<Address, TokenSpend> {
    let word = read_word(data, at).ok_or(TokenSpend::Short {
        needed: at.saturating_add(32),
    })?;
    if !WordType::Address.is_valid(&word) {
        return Err(TokenSpend::Dirty {
            offset: at.saturating_sub(4),
            word,
        });
    }
    Ok(Address::from_word(word.to_be_bytes::<32>().into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

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
            token_spend(&t, CallKind::of(&t), Some(ME)),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&a, CallKind::of(&a), Some(ME)),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&i, CallKind::of(&i), Some(ME)),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&d, CallKind::of(&d), Some(ME)),
            TokenSpend::Amount(U256::ZERO)
        );
        assert_eq!(
            token_spend(&own, CallKind::of(&own), Some(ME)),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&theirs, CallKind::of(&theirs), Some(ME)),
            TokenSpend::Amount(U256::ZERO)
        );
        // Without a known account every transferFrom counts: fail closed.
        assert_eq!(
            token_spend(&theirs, CallKind::of(&theirs), None),
            TokenSpend::Amount(amount)
        );
        assert_eq!(
            token_spend(&[], CallKind::Native, Some(ME)),
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
            token_spend(&t[..67], CallKind::of(&t[..67]), None),
            TokenSpend::Short { needed: 68 }
        );
        t[4] = 1;
        assert!(matches!(
            token_spend(&t, CallKind::of(&t), None),
            TokenSpend::Dirty { offset: 0, .. }
        ));
        assert!(matches!(
            token_spend(&[1, 2, 3, 4], CallKind::of(&[1, 2, 3, 4]), None),
            TokenSpend::Unknown(Some(_))
        ));
        assert_eq!(
            token_spend(&[1], CallKind::Truncated(1), None),
            TokenSpend::Unknown(None)
        );
    }
}
