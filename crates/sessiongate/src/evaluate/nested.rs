//! Nested calldata: a `bytes` parameter that is itself a call (a router's `multicall`,
//! Multicall3's `aggregate3`, a module's `execute`). Each inner call is judged like a top-level
//! call of the same transaction, so its limits add up with everything else.

use super::paths::decode_reason;
use super::{At, Evaluator, Mode};
use crate::calldata::{Leaf, ParamPath};
use crate::limits::Ledger;
use crate::session::{Call, Nested};
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
        let outer = self.inner;
        let mut ok = true;
        let walked = nested.calldata.visit(call.data, |index, leaf| {
            let Some(inner) = outer.enter(index) else {
                let reason = Reason::NestingTooDeep { max: MAX_NESTING };
                ok = self.fail(at, (None, None), reason);
                return ControlFlow::Break(());
            };
            self.inner_calls = self.inner_calls.saturating_add(1);
            if self.inner_calls > MAX_INNER_CALLS {
                let reason = Reason::TooManyInnerCalls {
                    max: MAX_INNER_CALLS,
                };
                ok = self.fail(at, (None, None), reason);
                return ControlFlow::Break(());
            }
            let inner_call = match inner_call(nested, call, index, leaf) {
                Ok(inner_call) => inner_call,
                Err(reason) => {
                    ok = self.fail(at, (None, None), *reason);
                    return ControlFlow::Break(());
                }
            };
            self.inner = inner;
            let allowed = self.call(at.call, &inner_call);
            self.inner = outer;
            ok &= allowed;
            if allowed || self.mode == Mode::Explain {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        });
        match walked {
            Ok(()) => ok,
            Err(error) => self.fail(at, (None, None), decode_reason(error)),
        }
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
