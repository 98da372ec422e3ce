//! The spending limits policy: token and limit arrays, read as V2 or v1.0.0 reads them.

use super::InitError;
use crate::formats::smart_sessions::model::{PolicyConfig, SpendingSemantics};
use alloc::string::ToString;
use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolType, SolValue, sol_data};

type SpendingWords = (
    sol_data::Array<sol_data::Uint<256>>,
    sol_data::Array<sol_data::Uint<256>>,
);

/// `abi.decode(initData, (address[], uint256[]))` then the init loop of the given source.
pub(super) fn decode_spending(
    data: &[u8],
    semantics: SpendingSemantics,
) -> Result<PolicyConfig, InitError> {
    let (tokens, amounts) = SpendingWords::abi_decode_params(data).map_err(|e| InitError::Abi {
        layout: "(address[], uint256[])",
        reason: e.to_string(),
    })?;
    let tokens = tokens
        .into_iter()
        .enumerate()
        .map(|(index, word)| clean_address(word).ok_or(InitError::DirtyAddress { index }))
        .collect::<Result<Vec<_>, _>>()?;
    if semantics == SpendingSemantics::V2 && tokens.len() != amounts.len() {
        return Err(InitError::LengthMismatch {
            tokens: tokens.len(),
            limits: amounts.len(),
        });
    }
    let mut limits = Vec::with_capacity(tokens.len());
    for (index, token) in tokens.into_iter().enumerate() {
        // The contract reads limits[i] before checking the token.
        let limit = *amounts
            .get(index)
            .ok_or(InitError::MissingLimit { index })?;
        if token == Address::ZERO {
            return Err(InitError::ZeroToken { index });
        }
        if limit.is_zero() {
            return Err(InitError::ZeroLimit { index });
        }
        limits.push((token, limit));
    }
    Ok(PolicyConfig::SpendingLimits { limits, semantics })
}

/// The address in a word whose 96 high bits are zero, as the ABI decoder requires.
fn clean_address(word: U256) -> Option<Address> {
    (word.leading_zeros() >= 96).then(|| Address::from_word(word.into()))
}

/// `abi.encode(tokens, limits)`, as the SDK writes it.
pub(super) fn encode_spending(limits: &[(Address, U256)]) -> Vec<u8> {
    let (tokens, amounts): (Vec<Address>, Vec<U256>) = limits.iter().copied().unzip();
    (tokens, amounts).abi_encode_params()
}
