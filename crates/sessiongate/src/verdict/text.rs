//! The sentences a verdict, a violation and a reason read as.

use super::{Decision, Reason, Verdict, Violation};
use crate::condition::Condition as Op;
use core::fmt;

impl fmt::Display for Verdict<'_> {
    /// One plain sentence: `allow: …` or `deny: ` and the first violation, with a count of the rest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.decision, self.violations.first()) {
            (Decision::Allow, _) => {
                f.write_str("allow: ")?;
                for (i, action) in self.allowed_by.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}call {i} by action `{action}`")?;
                }
                Ok(())
            }
            (Decision::Deny, None) => f.write_str("deny"),
            (Decision::Deny, Some(first)) => {
                write!(f, "deny: {first}")?;
                match self.violations.len().saturating_add(self.omitted) {
                    0 | 1 => Ok(()),
                    n => write!(f, " (and {} more)", n.saturating_sub(1)),
                }
            }
        }
    }
}

impl fmt::Display for Violation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "call {}", self.call)?;
        for (level, index) in self.inner.as_slice().iter().enumerate() {
            let sep = if level == 0 { ", inner call " } else { "." };
            write!(f, "{sep}{index}")?;
        }
        if let Some(action) = &self.action {
            write!(f, ", action `{action}`")?;
        }
        if let Some(source) = &self.source {
            write!(f, ", {source}")?;
        }
        if let Some(param) = &self.param {
            write!(f, " on `{param}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unusable { why } => write!(f, "this configuration never allows a call: {why}"),
            Self::TreeFailed => f.write_str("the rule tree does not hold"),
            Self::SelfExecute => f.write_str("a session may not call `execute` on its own account"),
            Self::ReservedTarget { target } => {
                write!(
                    f,
                    "{target} is a reserved flag address and cannot be called"
                )
            }
            Self::PaymasterNotAllowed { paymaster } => {
                write!(f, "paymaster {paymaster} is not allowed by the session")
            }
            Self::PaymasterNotPermitted { paymaster, why } => {
                write!(f, "an operation with paymaster {paymaster} is refused: {why}")
            }
            Self::GasTooHigh { what, max, actual: Some(actual) } => {
                write!(f, "the user operation's {what} {actual} is above the cap {max}")
            }
            Self::GasTooHigh { what, max, actual: None } => {
                write!(f, "the user operation's {what} overflows 2^256-1 (cap {max})")
            }
            Self::NeedsUserOp => f.write_str(
                "a policy caps user-operation gas, and the calls were not given as a user operation",
            ),
            Self::AccountFunctionRefused { selector, allowed } => {
                write!(f, "the session's module reads only account functions ")?;
                for (i, s) in allowed.iter().enumerate() {
                    write!(f, "{}{s}", if i == 0 { "" } else { ", " })?;
                }
                write!(f, ", not {selector}")
            }
            Self::Unwrap { error } => {
                write!(f, "the account calldata cannot be unwrapped: {error}")
            }
            Self::LedgerUnavailable => f.write_str(
                "the ledger of usage so far could not be read (its store is down or too slow)",
            ),
            Self::WorkExhausted { max } => write!(
                f,
                "the transaction needs more than the {max} steps (elements decoded, actions \
                 tried, inner calls walked) one transaction may take"
            ),
            Self::TooManyCalls { calls, max } => {
                write!(f, "the transaction has {calls} calls, more than the {max} one may have")
            }
            Self::SelfCallNotNamed { selector } => write!(
                f,
                "{selector} is a call to the account itself: only an action whose target names \
                 the account may allow it"
            ),
            Self::SliceOutOfRange { start, end, len } => write!(
                f,
                "the slice [{start}, {end}) runs past the end of the {len}-byte value"
            ),
            Self::SessionModuleCall { module } => write!(
                f,
                "{module} is a Smart Sessions deployment: a call to it needs the admin fallback \
                 action (0x…01, 0x00000002) as well as its own"
            ),
            Self::EmptyBatch => f.write_str("the batch has no calls"),
            Self::WrongChain { expected, actual } => {
                write!(f, "the session is for chain {expected}, not chain {actual}")
            }
            Self::TruncatedSelector { len } => {
                write!(
                    f,
                    "calldata of {len} bytes is too short for a 4-byte selector"
                )
            }
            Self::NoAction {
                target,
                selector: Some(s),
            } => {
                write!(f, "no action allows selector {s} on {target}")
            }
            Self::NoAction {
                target,
                selector: None,
            } => {
                write!(f, "no action allows a native transfer to {target}")
            }
            Self::ShortCalldata { needed, len } => {
                write!(f, "calldata has {len} bytes but {needed} are needed")
            }
            Self::DirtyWord { ty, offset, word } => {
                write!(f, "word {word} at offset {offset} is not a valid {ty}")
            }
            Self::Condition { expected, actual } => {
                write!(f, "expected {expected}, got {actual}")
            }
            Self::NotYetValid { valid_after, now } => {
                write!(f, "not valid before {valid_after}, now is {now}")
            }
            Self::Expired { valid_until, now } => {
                write!(f, "expired at {valid_until}, now is {now}")
            }
            Self::ValueTooHigh { max, value } => {
                write!(f, "value {value} is above the per-call maximum {max}")
            }
            Self::LimitExceeded {
                limit,
                used,
                requested,
                left,
                resets_at,
            } => {
                write!(
                    f,
                    "{requested} more would pass the limit {limit} ({used} used, {left} left"
                )?;
                match resets_at {
                    Some(at) => write!(f, "; a fresh budget opens at {at})"),
                    None => f.write_str(")"),
                }
            }
            Self::BytesCondition {
                condition,
                expected,
                actual,
            } => {
                let op = match condition {
                    Op::Ne => "≠ ",
                    Op::OneOf => "one of ",
                    Op::Prefix => "to start with ",
                    _ => "= ",
                };
                write!(f, "expected {op}")?;
                match expected.as_slice() {
                    [one] if *condition != Op::OneOf => f.write_str(one)?,
                    many => write!(f, "[{}]", many.join(", "))?,
                }
                write!(f, ", got {actual}")
            }
            Self::Count {
                matched,
                elements,
                min,
                max,
            } => {
                write!(f, "{matched} of {elements} elements satisfy the condition; ")?;
                match max {
                    Some(0) => f.write_str("none may"),
                    Some(max) if max == min => write!(f, "exactly {min} must"),
                    Some(max) => write!(f, "{min} to {max} must"),
                    None => write!(f, "at least {min} must"),
                }
            }
            Self::BadEncoding { error } => write!(f, "the calldata is not a strict ABI encoding: {error}"),
            Self::NeedsAccount => f.write_str(
                "a rule compares a parameter with the account, and the account is not known",
            ),
            Self::NestingTooDeep { max } => {
                write!(f, "nested calldata deeper than {max} levels is refused")
            }
            Self::TooManyInnerCalls { max } => {
                write!(f, "more than {max} inner calls in one transaction are refused")
            }
            Self::TooSoon {
                min_spacing,
                last,
                now,
                next_at,
            } => write!(
                f,
                "calls must be {min_spacing} s apart: the last was at {last}, now is {now}; \
                 next allowed at {next_at}"
            ),
            Self::LimitOverflow { used, requested } => {
                write!(f, "adding {requested} to {used} overflows 2^256-1")
            }
            Self::UnknownTokenFunction {
                token,
                selector: Some(s),
            } => write!(
                f,
                "the spend limit on {token} cannot account for selector {s}, so it is refused"
            ),
            Self::UnknownTokenFunction {
                token,
                selector: None,
            } => {
                write!(
                    f,
                    "the spend limit on {token} cannot account for calldata without a selector"
                )
            }
        }
    }
}
