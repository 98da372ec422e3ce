//! The six raw words of a `ParamRule`, as `UniActionPolicy` and `ArgPolicy` both lay it out,
//! with the checks Solidity's ABI decoder applies to them.

use super::InitError;
use crate::formats::smart_sessions::model::{ParamCondition, ParamRule};
use alloy_primitives::{B256, U256};

/// Words per `ParamRule`: condition, offset, isLimited, ref, usage.limit, usage.used.
pub(super) const RULE_WORDS: usize = 6;

/// The six words of one `ParamRule`, before Solidity's decoder validates them.
pub(super) struct RuleWords {
    pub(super) condition: U256,
    pub(super) offset: U256,
    pub(super) is_limited: U256,
    pub(super) reference: B256,
    pub(super) limit: U256,
    pub(super) used: U256,
}

impl RuleWords {
    /// Reads the rule at the start of `words` (six 32-byte words).
    pub(super) fn read(words: &[u8]) -> Option<Self> {
        let word = |i: usize| {
            let start = i.checked_mul(32)?;
            words
                .get(start..start.checked_add(32)?)
                .map(B256::from_slice)
        };
        Some(Self {
            condition: word(0)?.into(),
            offset: word(1)?.into(),
            is_limited: word(2)?.into(),
            reference: word(3)?,
            limit: word(4)?.into(),
            used: word(5)?.into(),
        })
    }

    /// Applies the ABI decoder's checks for `ParamCondition`, `uint64` and `bool`.
    pub(super) fn validate(self, rule: usize) -> Result<ParamRule, InitError> {
        let condition = u8::try_from(self.condition)
            .ok()
            .and_then(ParamCondition::from_index)
            .ok_or(InitError::BadCondition {
                rule,
                value: self.condition,
            })?;
        let offset = u64::try_from(self.offset).map_err(|_| InitError::OffsetTooLarge {
            rule,
            value: self.offset,
        })?;
        let is_limited = match u8::try_from(self.is_limited) {
            Ok(0) => false,
            Ok(1) => true,
            _ => {
                return Err(InitError::BadBool {
                    rule,
                    value: self.is_limited,
                });
            }
        };
        Ok(ParamRule {
            condition,
            offset,
            is_limited,
            reference: self.reference,
            limit: self.limit,
            used: self.used,
        })
    }

    pub(super) fn from_rule(rule: &ParamRule) -> Self {
        Self {
            condition: U256::from(rule.condition.index()),
            offset: U256::from(rule.offset),
            is_limited: U256::from(u8::from(rule.is_limited)),
            reference: rule.reference,
            limit: rule.limit,
            used: rule.used,
        }
    }

    pub(super) fn words(&self) -> [B256; RULE_WORDS] {
        [
            self.condition.into(),
            self.offset.into(),
            self.is_limited.into(),
            self.reference,
            self.limit.into(),
            self.used.into(),
        ]
    }
}
