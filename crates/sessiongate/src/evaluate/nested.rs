//! Nested calldata: a `bytes` parameter that is itself a call (a router's `multicall`,
//! Multicall3's `aggregate3`, a module's `execute`). Each inner call is judged like a top-level
//! call of the same transaction, so its limits add up with everything else.

use super::paths::decode_reason;
use super::{At, Evaluator, Mode};
use crate::call::Call;
use crate::calldata::{Leaf, MAX_WORK, ParamPath};
use crate::compiled::Nested;
use crate::ledger::Ledger;
use crate::verdict::{MAX_NESTING, Reason};
use alloc::boxed::Box;
use alloy_primitives::{Address, U256};
use core::ops::ControlFlow;

/// Inner calls judged per transaction; more are denied.
pub(crate) const MAX_INNER_CALLS: usize = 256;

impl<'s, L: Ledger + ?Sized> Evaluator<'s, '_, L> {
    /// Judges every inner call of `call`; true when all are allowed.
    #[inline(never)]
    pub(super) fn nested(&mut self, at: At<'s>, nested: &'s Nested, call: &Call<'_>) -> bool {
        let mut ok = true;
        let work = self.work;
        let walked = nested
            .calldata
            .visit_within(call.data, work, |index, leaf| {
                let judged = match inner_call(nested, call, index, leaf) {
                    Ok(inner_call) => self.inner_call(at, index, &inner_call),
                    Err(reason) => {
                        self.fail(at, (None, None), *reason);
                        None
                    }
                };
                match judged {
                    Some(true) => ControlFlow::Continue(()),
                    Some(false) if self.mode == Mode::Explain => {
                        ok = false;
                        ControlFlow::Continue(())
                    }
                    _ => {
                        ok = false;
                        ControlFlow::Break(())
                    }
                }
            });
        match walked {
            Ok(()) => ok,
            Err(error) => self.fail(at, (None, None), decode_reason(error)),
        }
    }

    /// Judges one inner call at element `index`, one level below the current call: whether it is
    /// allowed, or `None` when a cap (depth, inner calls, work) stopped it, recorded.
    pub(super) fn inner_call(&mut self, at: At<'s>, index: u32, call: &Call<'_>) -> Option<bool> {
        let outer = self.inner;
        let Some(inner) = outer.enter(index) else {
            let reason = Reason::NestingTooDeep { max: MAX_NESTING };
            self.fail(at, (None, None), reason);
            return None;
        };
        self.inner_calls = self.inner_calls.saturating_add(1);
        if self.inner_calls > MAX_INNER_CALLS {
            let reason = Reason::TooManyInnerCalls {
                max: MAX_INNER_CALLS,
            };
            self.fail(at, (None, None), reason);
            return None;
        }
        if !self.work.spend(1) {
            self.fail(at, (None, None), Reason::WorkExhausted { max: MAX_WORK });
            return None;
        }
        self.inner = inner;
        let allowed = self.dispatch(at.call, call, super::Origin::Executions);
        self.inner = outer;
        Some(allowed)
    }
}

/// The inner call at `index`: its calldata, and its target and value when the action says where.
fn inner_call<'d>(
    nested: &Nested,
    outer: &Call<'d>,
    index: u32,
    leaf: Leaf<'d>,
) -> Result<Call<'d>, Box<Reason>> {
    // Load checks the paths' leaf kinds; any other kind fails closed.
    let Leaf::Bytes { content, .. } = leaf else {
        return Err(Box::new(Reason::TreeFailed));
    };
    let word = |path: &ParamPath| match path.get(outer.data, index) {
        Ok(Leaf::Word { word, .. }) => Ok(word),
        Ok(_) => Err(Box::new(Reason::TreeFailed)),
        Err(error) => Err(Box::new(decode_reason(error))),
    };
    let to = match &nested.target {
        Some(path) => Address::from_word(word(path)?.to_be_bytes::<32>().into()),
        None => outer.to,
    };
    let value = match &nested.value {
        Some(path) => word(path)?,
        None => U256::ZERO,
    };
    Ok(Call {
        to,
        value,
        data: content,
    })
}
