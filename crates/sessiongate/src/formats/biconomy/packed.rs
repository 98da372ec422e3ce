//! `sessionKeyData` exactly as each module reads it.
//!
//! ABI SVM (`ABISessionValidationModule` at `6bed1c38`), `abi.encodePacked`:
//! `[0:20]` sessionKey, `[20:40]` destination, `[40:44]` selector, `[44:60]` uint128
//! valueLimit, `[60:62]` uint16 rulesCount, then 35-byte rules: uint16 offset, uint8 condition,
//! bytes32 reference. ERC20 SVM: `abi.encode(address sessionKey, address token, address
//! recipient, uint256 maxAmount)`, 128 bytes, more ignored.

use crate::calldata::Selector;
use alloc::vec::Vec;
use alloy_primitives::{Address, B256, Bytes, U256};

/// Bytes before the first ABI SVM rule.
pub const ABI_HEADER_LEN: usize = 62;
/// Bytes of one ABI SVM rule.
pub const ABI_RULE_LEN: usize = 35;
/// Bytes the ERC20 SVM decodes.
pub const ERC20_DATA_LEN: usize = 128;

/// Why a module reverts on every call with this `sessionKeyData`. The SessionKeyManager enables
/// any leaf, so these are not load errors: such a leaf denies every call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackedError {
    /// The ABI SVM slices bytes 0 to 62 before any check.
    #[error(
        "sessionKeyData has {len} bytes; the ABI SVM reads a {ABI_HEADER_LEN}-byte header \
         (sessionKey 20, destination 20, selector 4, valueLimit 16, rulesCount 2), so every call \
         reverts"
    )]
    AbiHeader {
        /// The length found.
        len: usize,
    },
    /// `abi.decode` needs four words.
    #[error(
        "sessionKeyData has {len} bytes; the ERC20 SVM abi-decodes {ERC20_DATA_LEN} (sessionKey, \
         token, recipient, maxAmount), so every call reverts"
    )]
    Erc20Short {
        /// The length found.
        len: usize,
    },
    /// `abi.decode` rejects an address word with a bit above 160 set.
    #[error(
        "sessionKeyData word at byte {offset} ({field}) is not a clean address (its 12 high \
         bytes are not zero), so abi.decode reverts on every call"
    )]
    DirtyAddress {
        /// Which field.
        field: &'static str,
        /// Its byte offset.
        offset: usize,
    },
}

/// One ABI SVM rule as packed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbiRule {
    /// Byte offset after the selector.
    pub offset: u16,
    /// Condition code; 6 and above fail.
    pub condition: u8,
    /// The reference word.
    pub reference: B256,
}

/// ABI SVM `sessionKeyData`, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbiSessionKeyData {
    /// The signer.
    pub session_key: Address,
    /// The only contract the key may call.
    pub destination: Address,
    /// The only function the key may call.
    pub selector: Selector,
    /// Largest native value per call.
    pub value_limit: u128,
    /// How many rules the module reads.
    pub rules_count: u16,
    /// Every complete rule present, counted or not.
    pub rules: Vec<AbiRule>,
    /// Bytes after the last complete rule.
    pub trailing: Bytes,
}

/// `N` bytes at `at`, if present.
fn take<const N: usize>(data: &[u8], at: usize) -> Option<[u8; N]> {
    data.get(at..at.checked_add(N)?)?.try_into().ok()
}

impl AbiSessionKeyData {
    /// Reads the bytes as the module slices them.
    pub fn decode(data: &[u8]) -> Result<Self, PackedError> {
        let short = PackedError::AbiHeader { len: data.len() };
        let (Some(key), Some(dest), Some(sel), Some(limit), Some(count), Some(body)) = (
            take::<20>(data, 0),
            take::<20>(data, 20),
            take::<4>(data, 40),
            take::<16>(data, 44),
            take::<2>(data, 60),
            data.get(ABI_HEADER_LEN..),
        ) else {
            return Err(short);
        };
        let chunks = body.chunks_exact(ABI_RULE_LEN);
        let trailing = Bytes::copy_from_slice(chunks.remainder());
        let rules = chunks.filter_map(Self::rule).collect();
        Ok(Self {
            session_key: Address::from(key),
            destination: Address::from(dest),
            selector: Selector::from(sel),
            value_limit: u128::from_be_bytes(limit),
            rules_count: u16::from_be_bytes(count),
            rules,
            trailing,
        })
    }

    fn rule(chunk: &[u8]) -> Option<AbiRule> {
        Some(AbiRule {
            offset: u16::from_be_bytes(take::<2>(chunk, 0)?),
            condition: *chunk.get(2)?,
            reference: B256::from(take::<32>(chunk, 3)?),
        })
    }

    /// The packed bytes: header, rules, trailing bytes.
    pub fn encode(&self) -> Vec<u8> {
        let rules_len = self.rules.len().saturating_mul(ABI_RULE_LEN);
        let mut out = Vec::with_capacity(
            ABI_HEADER_LEN
                .saturating_add(rules_len)
                .saturating_add(self.trailing.len()),
        );
        out.extend_from_slice(self.session_key.as_slice());
        out.extend_from_slice(self.destination.as_slice());
        out.extend_from_slice(self.selector.as_slice());
        out.extend_from_slice(&self.value_limit.to_be_bytes());
        out.extend_from_slice(&self.rules_count.to_be_bytes());
        for rule in &self.rules {
            out.extend_from_slice(&rule.offset.to_be_bytes());
            out.push(rule.condition);
            out.extend_from_slice(rule.reference.as_slice());
        }
        out.extend_from_slice(&self.trailing);
        out
    }
}

/// ERC20 SVM `sessionKeyData`, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Erc20SessionKeyData {
    /// The signer.
    pub session_key: Address,
    /// The only contract the key may call.
    pub token: Address,
    /// The first argument every call must carry.
    pub recipient: Address,
    /// Largest second argument per call.
    pub max_amount: U256,
}

/// An address word as `abi.decode` accepts it.
fn address_word(data: &[u8], index: usize, field: &'static str) -> Result<Address, PackedError> {
    let offset = index.saturating_mul(32);
    let short = PackedError::Erc20Short { len: data.len() };
    let word = take::<32>(data, offset).ok_or(short)?;
    let (high, low) = word.split_at(12);
    if high.iter().any(|b| *b != 0) {
        return Err(PackedError::DirtyAddress { field, offset });
    }
    Ok(Address::from_slice(low))
}

impl Erc20SessionKeyData {
    /// Decodes the bytes as `abi.decode(data, (address, address, address, uint256))` does.
    pub fn decode(data: &[u8]) -> Result<Self, PackedError> {
        if data.len() < ERC20_DATA_LEN {
            return Err(PackedError::Erc20Short { len: data.len() });
        }
        let amount = take::<32>(data, 96).ok_or(PackedError::Erc20Short { len: data.len() })?;
        Ok(Self {
            session_key: address_word(data, 0, "sessionKey")?,
            token: address_word(data, 1, "token")?,
            recipient: address_word(data, 2, "recipient")?,
            max_amount: U256::from_be_bytes(amount),
        })
    }

    /// The 128-byte ABI encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(ERC20_DATA_LEN);
        for address in [self.session_key, self.token, self.recipient] {
            out.extend_from_slice(&[0u8; 12]);
            out.extend_from_slice(address.as_slice());
        }
        out.extend_from_slice(&self.max_amount.to_be_bytes::<32>());
        out
    }
}
