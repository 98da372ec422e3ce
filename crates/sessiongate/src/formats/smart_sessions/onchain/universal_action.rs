//! `UniActionPolicy`: a value limit per use and up to 16 parameter rules in a static array.

use super::InitError;
use super::rule_words::{RULE_WORDS, RuleWords};
use crate::formats::smart_sessions::model::{ParamRule, PolicyConfig};
use alloc::vec::Vec;
use alloy_primitives::{B256, U256};

/// Rule slots in `UniActionPolicy`'s static `ParamRule[16]`.
pub(crate) const UNI_SLOTS: usize = 16;
/// Bytes of the static `ActionConfig`: two words, then 16 rules of 6 words.
const UNI_LEN: usize = 32 * (2 + UNI_SLOTS * RULE_WORDS);

/// `abi.decode(initData, (ActionConfig))` then `fill`: every slot is validated, only the first
/// `length` kept.
pub(super) fn decode_universal_action(data: &[u8]) -> Result<PolicyConfig, InitError> {
    let config = data.get(..UNI_LEN).ok_or(InitError::TooShort {
        needed: UNI_LEN,
        len: data.len(),
    })?;
    let mut words = config.chunks_exact(32).map(U256::from_be_slice);
    let value_limit_per_use = words.next().unwrap_or_default();
    let length = words.next().unwrap_or_default();
    let mut rules = Vec::with_capacity(UNI_SLOTS);
    for (slot, chunk) in config
        .get(64..)
        .unwrap_or_default()
        .chunks_exact(32 * RULE_WORDS)
        .enumerate()
    {
        let raw = RuleWords::read(chunk).ok_or(InitError::TooShort {
            needed: UNI_LEN,
            len: data.len(),
        })?;
        rules.push(raw.validate(slot)?);
    }
    let kept = usize::try_from(length)
        .ok()
        .filter(|&n| n <= UNI_SLOTS)
        .ok_or(InitError::TooManyRules { len: length })?;
    rules.truncate(kept);
    Ok(PolicyConfig::UniversalAction {
        value_limit_per_use,
        rules,
    })
}

pub(super) fn encode_universal_action(value_limit_per_use: U256, rules: &[ParamRule]) -> Vec<u8> {
    let mut out = Vec::with_capacity(UNI_LEN);
    out.extend_from_slice(&value_limit_per_use.to_be_bytes::<32>());
    out.extend_from_slice(&U256::from(rules.len()).to_be_bytes::<32>());
    let empty = RuleWords {
        condition: U256::ZERO,
        offset: U256::ZERO,
        is_limited: U256::ZERO,
        reference: B256::ZERO,
        limit: U256::ZERO,
        used: U256::ZERO,
    };
    let slots = rules
        .iter()
        .map(RuleWords::from_rule)
        .chain(core::iter::repeat_with(|| RuleWords { ..empty }))
        .take(UNI_SLOTS);
    for slot in slots {
        for word in slot.words() {
            out.extend_from_slice(word.as_slice());
        }
    }
    out
}
