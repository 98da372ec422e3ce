//! Execute functions that are plain Solidity functions: decoded with alloy's ABI decoder and the
//! value checks of Solidity's ABI decoder v2 (an address with dirty upper bytes reverts), which
//! accepts trailing bytes and non-canonical offsets as Solidity does. Tokens are decoded rather
//! than Rust values so the calls' data borrows from the input.
//!
//! Sources: eth-infinitism/account-abstraction `samples/SimpleAccount.sol` at tags v0.6.0 and
//! v0.7.0, `core/BaseAccount.sol` v0.8.0; bcnmy/scw-contracts `SmartAccount.sol` (v2);
//! coinbase/smart-wallet `CoinbaseSmartWallet.sol`; thirdweb's MinimalAccount ABI (no source is
//! public).

use super::{AccountKind, UnwrapError, Unwrapped};
use crate::call::Call;
use crate::calldata::Selector;
use alloc::{borrow::Cow, vec::Vec};
use alloy_primitives::{Address, U256};
use alloy_sol_types::abi::token::{DynSeqToken, PackedSeqToken, TokenSeq, WordToken};
use alloy_sol_types::{SolCall, SolType, abi, sol};

/// `execute(address,uint256,bytes)`: SimpleAccount v0.6–v0.8, Biconomy v2, Coinbase Smart Wallet.
mod single {
    alloy_sol_types::sol! {
        function execute(address target, uint256 value, bytes data);
    }
}

/// SimpleAccount v0.6 `executeBatch`: every value is zero.
mod v06 {
    alloy_sol_types::sol! {
        function executeBatch(address[] dest, bytes[] func);
    }
}

/// SimpleAccount v0.7 and Biconomy v2 `executeBatch`, which check the lengths differently.
mod arrays {
    alloy_sol_types::sol! {
        function executeBatch(address[] dest, uint256[] value, bytes[] func);
    }
}

sol! {
    /// The call struct of Coinbase, SimpleAccount v0.8 and thirdweb.
    struct Execution {
        address target;
        uint256 value;
        bytes data;
    }
    /// Coinbase Smart Wallet and SimpleAccount v0.8 (`BaseAccount.executeBatch(Call[])`).
    function executeBatch(Execution[] calls);
    /// thirdweb MinimalAccount (EIP-7702).
    function execute(Execution[] calls);
    /// Biconomy v2's gas-optimised `execute` (same body as `execute`).
    function execute_ncC(address dest, uint256 value, bytes func);
    /// Biconomy v2's gas-optimised `executeBatch` (same body as `executeBatch`).
    function executeBatch_y6U(address[] dest, uint256[] value, bytes[] func);
}

/// `execute(address,uint256,bytes)`.
const EXECUTE: [u8; 4] = single::executeCall::SELECTOR;
/// `executeBatch(address[],bytes[])`.
const BATCH_V06: [u8; 4] = v06::executeBatchCall::SELECTOR;
/// `executeBatch(address[],uint256[],bytes[])`.
const BATCH_ARRAYS: [u8; 4] = arrays::executeBatchCall::SELECTOR;
/// `executeBatch((address,uint256,bytes)[])`.
const BATCH_CALLS: [u8; 4] = executeBatchCall::SELECTOR;
/// `execute((address,uint256,bytes)[])`.
const EXECUTE_CALLS: [u8; 4] = executeCall::SELECTOR;
/// `execute_ncC(address,uint256,bytes)`.
const EXECUTE_NCC: [u8; 4] = execute_ncCCall::SELECTOR;
/// `executeBatch_y6U(address[],uint256[],bytes[])`.
const BATCH_Y6U: [u8; 4] = executeBatch_y6UCall::SELECTOR;

/// A decoder of one execute function.
type Decoder = for<'a> fn(&'a [u8]) -> Result<Vec<Call<'a>>, UnwrapError>;

/// Each kind's execute functions.
fn functions(kind: AccountKind) -> &'static [([u8; 4], Decoder)] {
    match kind {
        AccountKind::SimpleAccount => &[
            (EXECUTE, execute_single),
            (BATCH_V06, batch_v06),
            (BATCH_ARRAYS, batch_v07),
            (BATCH_CALLS, batch_calls),
        ],
        AccountKind::Biconomy => &[
            (EXECUTE, execute_single),
            (EXECUTE_NCC, execute_ncc),
            (BATCH_ARRAYS, batch_biconomy),
            (BATCH_Y6U, batch_y6u),
        ],
        AccountKind::Coinbase => &[(EXECUTE, execute_single), (BATCH_CALLS, batch_calls)],
        AccountKind::Thirdweb => &[(EXECUTE_CALLS, execute_calls)],
        AccountKind::Erc7579 | AccountKind::Safe => &[],
    }
}

/// Unwraps calldata of an account of `kind` (one of those decoded here).
pub(super) fn unwrap(
    kind: AccountKind,
    selector: Selector,
    calldata: &[u8],
) -> Result<Unwrapped<'_>, UnwrapError> {
    match functions(kind)
        .iter()
        .find(|(known, _)| *known == selector.0)
    {
        Some((_, decode)) => decode(calldata).map(Unwrapped::Calls),
        None => Ok(Unwrapped::AccountCall(selector)),
    }
}

/// The kind whose execute function `selector` is, among those decoded here.
pub(super) fn detect(selector: Selector) -> Result<AccountKind, UnwrapError> {
    match selector.0 {
        EXECUTE | BATCH_V06 => Ok(AccountKind::SimpleAccount),
        BATCH_CALLS => Ok(AccountKind::Coinbase),
        EXECUTE_NCC | BATCH_Y6U => Ok(AccountKind::Biconomy),
        EXECUTE_CALLS => Ok(AccountKind::Thirdweb),
        BATCH_ARRAYS => Err(UnwrapError::AmbiguousSelector {
            selector,
            function: Cow::Borrowed(arrays::executeBatchCall::SIGNATURE),
            first: AccountKind::SimpleAccount,
            second: AccountKind::Biconomy,
        }),
        _ => Err(UnwrapError::UnknownSelector { selector }),
    }
}

/// The ABI token of a call's parameters.
type Params<'de, C> = <<C as SolCall>::Parameters<'de> as SolType>::Token<'de>;

/// Decodes the parameters of call `C` (selector already matched) as Solidity's decoder would
/// accept them: bounds-checked, trailing bytes allowed, every value valid for its type.
pub(super) fn params<'de, C: SolCall>(calldata: &'de [u8]) -> Result<Params<'de, C>, UnwrapError>
where
    Params<'de, C>: TokenSeq<'de>,
{
    let fail = || UnwrapError::Abi {
        function: Cow::Borrowed(C::SIGNATURE),
    };
    let body = calldata.get(4..).ok_or_else(fail)?;
    let token: Params<'de, C> = abi::decode_sequence(body).map_err(|_| fail())?;
    if <C::Parameters<'de> as SolType>::valid_token(&token) {
        Ok(token)
    } else {
        Err(fail())
    }
}

/// A call from validated address, value and data tokens.
pub(super) fn call<'a>(to: WordToken, value: WordToken, data: PackedSeqToken<'a>) -> Call<'a> {
    Call {
        to: Address::from_word(to.0),
        value: U256::from_be_bytes(value.0.0),
        data: data.0,
    }
}

/// Refuses an empty batch, which every account kind's session validation refuses.
fn non_empty(calls: Vec<Call<'_>>) -> Result<Vec<Call<'_>>, UnwrapError> {
    if calls.is_empty() {
        Err(UnwrapError::EmptyBatch)
    } else {
        Ok(calls)
    }
}

fn execute_single(calldata: &[u8]) -> Result<Vec<Call<'_>>, UnwrapError> {
    let (to, value, data) = params::<single::executeCall>(calldata)?;
    Ok(alloc::vec![call(to, value, data)])
}

fn execute_ncc(calldata: &[u8]) -> Result<Vec<Call<'_>>, UnwrapError> {
    let (to, value, data) = params::<execute_ncCCall>(calldata)?;
    Ok(alloc::vec![call(to, value, data)])
}

/// SimpleAccount v0.6: `require(dest.length == func.length)`, values zero.
fn batch_v06(calldata: &[u8]) -> Result<Vec<Call<'_>>, UnwrapError> {
    let (DynSeqToken(targets), DynSeqToken(datas)) = params::<v06::executeBatchCall>(calldata)?;
    if targets.len() != datas.len() {
        return Err(mismatch::<v06::executeBatchCall>(
            targets.len(),
            0,
            datas.len(),
        ));
    }
    let zero = WordToken::default();
    non_empty(zip(targets, core::iter::repeat(zero), datas))
}

/// SimpleAccount v0.7: `require(dest.length == func.length && (value.length == 0 ||
/// value.length == func.length))`; an empty value array means every value is zero.
fn batch_v07(calldata: &[u8]) -> Result<Vec<Call<'_>>, UnwrapError> {
    let (DynSeqToken(targets), DynSeqToken(values), DynSeqToken(datas)) =
        params::<arrays::executeBatchCall>(calldata)?;
    let (t, v, d) = (targets.len(), values.len(), datas.len());
    if t != d || (v != 0 && v != d) {
        return Err(mismatch::<arrays::executeBatchCall>(t, v, d));
    }
    if values.is_empty() {
        non_empty(zip(
            targets,
            core::iter::repeat(WordToken::default()),
            datas,
        ))
    } else {
        non_empty(zip(targets, values, datas))
    }
}

/// Biconomy v2 `executeBatch` (which calls `executeBatch_y6U`).
fn batch_biconomy(calldata: &[u8]) -> Result<Vec<Call<'_>>, UnwrapError> {
    let tokens = params::<arrays::executeBatchCall>(calldata)?;
    biconomy_batch::<arrays::executeBatchCall>(tokens)
}

fn batch_y6u(calldata: &[u8]) -> Result<Vec<Call<'_>>, UnwrapError> {
    let tokens = params::<executeBatch_y6UCall>(calldata)?;
    biconomy_batch::<executeBatch_y6UCall>(tokens)
}

/// Biconomy v2: `if (dest.length == 0 || dest.length != value.length || value.length !=
/// func.length) revert WrongBatchProvided(...)`.
fn biconomy_batch<'a, C: SolCall>(
    (DynSeqToken(targets), DynSeqToken(values), DynSeqToken(datas)): (
        DynSeqToken<WordToken>,
        DynSeqToken<WordToken>,
        DynSeqToken<PackedSeqToken<'a>>,
    ),
) -> Result<Vec<Call<'a>>, UnwrapError> {
    let (t, v, d) = (targets.len(), values.len(), datas.len());
    if t != v || v != d {
        return Err(mismatch::<C>(t, v, d));
    }
    non_empty(zip(targets, values, datas))
}

/// Coinbase and SimpleAccount v0.8 `executeBatch(Call[])`.
fn batch_calls(calldata: &[u8]) -> Result<Vec<Call<'_>>, UnwrapError> {
    let DynSeqToken(items) = params::<executeBatchCall>(calldata)?.0;
    non_empty(items.into_iter().map(|(t, v, d)| call(t, v, d)).collect())
}

/// thirdweb `execute(Call[])`.
fn execute_calls(calldata: &[u8]) -> Result<Vec<Call<'_>>, UnwrapError> {
    let DynSeqToken(items) = params::<executeCall>(calldata)?.0;
    non_empty(items.into_iter().map(|(t, v, d)| call(t, v, d)).collect())
}

/// Calls from parallel arrays (whose lengths the caller checked).
fn zip<'a>(
    targets: Vec<WordToken>,
    values: impl IntoIterator<Item = WordToken>,
    datas: Vec<PackedSeqToken<'a>>,
) -> Vec<Call<'a>> {
    targets
        .into_iter()
        .zip(values)
        .zip(datas)
        .map(|((t, v), d)| call(t, v, d))
        .collect()
}

fn mismatch<C: SolCall>(targets: usize, values: usize, datas: usize) -> UnwrapError {
    UnwrapError::LengthMismatch {
        function: Cow::Borrowed(C::SIGNATURE),
        targets,
        values,
        datas,
    }
}

/// Every selector decoded here with its signature, for tests.
#[cfg(test)]
pub(super) fn known() -> [([u8; 4], &'static str); 7] {
    [
        (EXECUTE, single::executeCall::SIGNATURE),
        (BATCH_V06, v06::executeBatchCall::SIGNATURE),
        (BATCH_ARRAYS, arrays::executeBatchCall::SIGNATURE),
        (BATCH_CALLS, executeBatchCall::SIGNATURE),
        (EXECUTE_CALLS, executeCall::SIGNATURE),
        (EXECUTE_NCC, execute_ncCCall::SIGNATURE),
        (BATCH_Y6U, executeBatch_y6UCall::SIGNATURE),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::hex;

    #[test]
    fn selectors_match_the_published_ones() {
        // Published in the accounts' sources and session modules (Biconomy's SVMs name
        // 0xb61d27f6 and 0x0000189a; thirdweb's ABI 0x3f707e6b).
        assert_eq!(EXECUTE, hex!("b61d27f6"));
        assert_eq!(BATCH_V06, hex!("18dfb3c7"));
        assert_eq!(BATCH_ARRAYS, hex!("47e1da2a"));
        assert_eq!(BATCH_CALLS, hex!("34fcd5be"));
        assert_eq!(EXECUTE_CALLS, hex!("3f707e6b"));
        assert_eq!(EXECUTE_NCC, hex!("0000189a"));
        assert_eq!(BATCH_Y6U, hex!("00004680"));
    }

    #[test]
    fn detect_agrees_with_each_kinds_functions() {
        for kind in AccountKind::ALL {
            for (selector, _) in functions(kind) {
                match detect(Selector::new(*selector)) {
                    Ok(found) => assert!(
                        functions(found).iter().any(|(s, _)| s == selector),
                        "{kind}: {found}"
                    ),
                    Err(UnwrapError::AmbiguousSelector { first, second, .. }) => {
                        assert!(kind == first || kind == second)
                    }
                    Err(e) => panic!("{kind}: {e}"),
                }
            }
        }
    }
}
