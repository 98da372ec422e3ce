//! The way in: an [`Input`] (calls, the account's own calldata, a user operation, or a
//! transaction as sent) decided against a [`Session`] by [`Session::decide`]. The CLI, the
//! scenario runner and every other face go through it, so they cannot disagree on what an input
//! means. [`Session::check`] and [`Session::evaluate_into`] are the allocation-free fast paths for
//! calls.

use crate::account::{self, AccountKind, Unwrapped};
use crate::call::{Call, Context};
use crate::calldata::Work;
use crate::compiled::Session;
use crate::evaluate::{Evaluator, Mode, OpFacts, Origin};
use crate::ledger::Ledger;
use crate::user_op::UserOperation;
use crate::verdict::{Reason, Verdict};
use alloy_primitives::U256;

/// What to decide.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Input<'a> {
    /// Calls the account makes, as one atomic batch. A call to the account itself is a call of
    /// the account: an `execute` is unwrapped and each inner call judged, anything else needs an
    /// action naming the account.
    Calls(&'a [Call<'a>]),
    /// The account's own calldata (a user operation's `callData`), unwrapped with the account's
    /// execute encoding into the calls it makes. A session whose module reads one encoding uses
    /// it (Smart Sessions: ERC-7579 `execute`; thirdweb: its `execute(Call[])`); otherwise
    /// `kind`, or the encoding detected from the selector.
    AccountCalldata {
        /// The calldata.
        data: &'a [u8],
        /// How the account encodes its calls, when the session does not say.
        kind: Option<AccountKind>,
    },
    /// An ERC-4337 user operation: its `callData` as [`AccountCalldata`](Self::AccountCalldata),
    /// with its `sender` as the account, and policies that read the paymaster or the gas fields
    /// see them.
    UserOp {
        /// The operation.
        op: &'a UserOperation,
        /// How the account encodes its calls, when the session does not say.
        kind: Option<AccountKind>,
    },
    /// A transaction as sent: one call to the context's account carries the account's own
    /// calldata and is decided as [`AccountCalldata`](Self::AccountCalldata); any other
    /// transaction is [`Calls`](Self::Calls).
    Transaction {
        /// The transaction's calls (one, or an atomic batch).
        calls: &'a [Call<'a>],
        /// How the account encodes its calls, when the session does not say.
        kind: Option<AccountKind>,
    },
}

impl Session {
    /// Decides an input: the one entry point every face uses. `mode` says whether to stop at
    /// the first violation or explain every one; the decision is the same.
    ///
    /// ```
    /// use alloy_primitives::{U256, address};
    /// use sessiongate::{Call, Context, Input, MemoryLedger, Mode, Session};
    ///
    /// let session = Session::from_json(r#"{"actions": [{
    ///     "target": "0x1111111111111111111111111111111111111111", "selector": "native",
    ///     "policies": [{"type": "max_value", "limit": "1000000000000000000"}]}]}"#)?;
    /// let pay = Call {
    ///     to: address!("1111111111111111111111111111111111111111"),
    ///     value: U256::from(10u64).pow(U256::from(17u64)),
    ///     data: &[],
    /// };
    /// let ctx = Context { now: 1_700_000_000, chain_id: 1, account: None };
    /// let verdict = session.decide(
    ///     Input::Transaction { calls: &[pay], kind: None },
    ///     &MemoryLedger::new(),
    ///     &ctx,
    ///     Mode::Fast,
    /// );
    /// assert!(verdict.is_allow());
    /// # Ok::<(), sessiongate::LoadError>(())
    /// ```
    pub fn decide<L: Ledger + ?Sized>(
        &self,
        input: Input<'_>,
        ledger: &L,
        ctx: &Context,
        mode: Mode,
    ) -> Verdict<'_> {
        let mut verdict = Verdict::default();
        self.decide_into(input, ledger, ctx, mode, &mut verdict);
        verdict
    }

    /// [`decide`](Self::decide) into a verdict the caller reuses, as a relayer deciding a stream
    /// does: the verdict's buffers are kept, so once they have grown an allow of calls on static
    /// parameters allocates nothing. Account calldata and user operations still allocate the
    /// list of calls they unwrap to.
    pub fn decide_into<'s, L: Ledger + ?Sized>(
        &'s self,
        input: Input<'_>,
        ledger: &L,
        ctx: &Context,
        mode: Mode,
        out: &mut Verdict<'s>,
    ) {
        match input {
            Input::Calls(calls) => self.evaluate_into(calls, ledger, ctx, mode, out),
            Input::Transaction { calls, kind } => match calls {
                // A call to the account itself carries the account's own calldata.
                [call] if Some(call.to) == ctx.account => {
                    self.unwrap_and_run(call.data, kind, ledger, ctx, (mode, None), out);
                }
                _ => self.evaluate_into(calls, ledger, ctx, mode, out),
            },
            Input::AccountCalldata { data, kind } => {
                self.unwrap_and_run(data, kind, ledger, ctx, (mode, None), out);
            }
            Input::UserOp { op, kind } => {
                let ctx = Context {
                    account: Some(op.sender),
                    ..*ctx
                };
                let facts = OpFacts {
                    paymaster: op.paymaster,
                    max_gas: op.max_gas(),
                    max_cost: op.max_cost(),
                };
                self.unwrap_and_run(&op.call_data, kind, ledger, &ctx, (mode, Some(facts)), out);
            }
        }
    }

    /// Decides a batch of calls the account makes (one call is a batch of one), stopping at the
    /// first violation. The batch is atomic: its calls add up against the same limits, and one
    /// denied call denies all with no effects.
    ///
    /// ```
    /// use alloy_primitives::{U256, address};
    /// use sessiongate::{Call, Context, MemoryLedger, Reason, Session};
    ///
    /// // Tips of at most 1 ETH each, 1.5 ETH in all.
    /// let session = Session::from_json(r#"{"actions": [{
    ///     "name": "tip",
    ///     "target": "0x1111111111111111111111111111111111111111",
    ///     "selector": "native",
    ///     "policies": [
    ///         { "type": "max_value", "limit": "1000000000000000000" },
    ///         { "type": "value_limit", "limit": "1500000000000000000" }
    ///     ]
    /// }]}"#)?;
    /// let tip = |wei: u64| Call {
    ///     to: address!("1111111111111111111111111111111111111111"),
    ///     value: U256::from(wei),
    ///     data: &[],
    /// };
    /// let ctx = Context { now: 1_767_225_600, chain_id: 1, account: None };
    /// let ledger = MemoryLedger::new();
    ///
    /// assert!(session.check(&[tip(1_000_000_000_000_000_000)], &ledger, &ctx).is_allow());
    /// // Two tips in one batch add up: the second passes the total, so both are denied.
    /// let both = [tip(1_000_000_000_000_000_000), tip(600_000_000_000_000_000)];
    /// let verdict = session.check(&both, &ledger, &ctx);
    /// assert!(!verdict.is_allow() && verdict.effects.is_empty());
    /// assert!(matches!(verdict.violations[0].reason, Reason::LimitExceeded { .. }));
    /// assert_eq!(verdict.violations[0].call, 1);
    /// # Ok::<(), sessiongate::LoadError>(())
    /// ```
    pub fn check<L: Ledger + ?Sized>(
        &self,
        calls: &[Call<'_>],
        ledger: &L,
        ctx: &Context,
    ) -> Verdict<'_> {
        self.evaluate(calls, ledger, ctx, Mode::Fast)
    }

    /// Like [`check`](Self::check), but collects every violation of every call; the decision is
    /// always the same.
    pub fn explain<L: Ledger + ?Sized>(
        &self,
        calls: &[Call<'_>],
        ledger: &L,
        ctx: &Context,
    ) -> Verdict<'_> {
        self.evaluate(calls, ledger, ctx, Mode::Explain)
    }

    /// [`check`](Self::check) or [`explain`](Self::explain), as `mode` says.
    pub fn evaluate<L: Ledger + ?Sized>(
        &self,
        calls: &[Call<'_>],
        ledger: &L,
        ctx: &Context,
        mode: Mode,
    ) -> Verdict<'_> {
        let mut verdict = Verdict::default();
        self.evaluate_into(calls, ledger, ctx, mode, &mut verdict);
        verdict
    }

    /// Decides calls into a verdict the caller reuses: once its buffers have grown, an allow on
    /// static parameters allocates nothing.
    pub fn evaluate_into<'s, L: Ledger + ?Sized>(
        &'s self,
        calls: &[Call<'_>],
        ledger: &L,
        ctx: &Context,
        mode: Mode,
        out: &mut Verdict<'s>,
    ) {
        let work = Work::default();
        Evaluator::new(self, ledger, ctx, mode, out, &work).run(calls);
    }

    /// [`decide`](Self::decide) on [`Input::AccountCalldata`].
    pub fn evaluate_account_calldata<'s, L: Ledger + ?Sized>(
        &'s self,
        calldata: &[u8],
        kind: Option<AccountKind>,
        ledger: &L,
        ctx: &Context,
        mode: Mode,
    ) -> Verdict<'s> {
        self.decide(
            Input::AccountCalldata {
                data: calldata,
                kind,
            },
            ledger,
            ctx,
            mode,
        )
    }

    /// [`decide`](Self::decide) on [`Input::UserOp`].
    pub fn evaluate_user_op<'s, L: Ledger + ?Sized>(
        &'s self,
        op: &UserOperation,
        kind: Option<AccountKind>,
        ledger: &L,
        ctx: &Context,
        mode: Mode,
    ) -> Verdict<'s> {
        self.decide(Input::UserOp { op, kind }, ledger, ctx, mode)
    }

    /// Unwraps the account's calldata with its encoding and decides the calls it makes.
    fn unwrap_and_run<'s, L: Ledger + ?Sized>(
        &'s self,
        calldata: &[u8],
        kind: Option<AccountKind>,
        ledger: &L,
        ctx: &Context,
        (mode, op): (Mode, Option<OpFacts>),
        verdict: &mut Verdict<'s>,
    ) {
        let kind = match (self.account_kind, kind) {
            (Some(own), _) | (None, Some(own)) => Ok(own),
            (None, None) => account::detect(calldata),
        };
        let work = Work::default();
        let evaluator = Evaluator::new(self, ledger, ctx, mode, verdict, &work)
            .with_op(op)
            .with_account_kind(kind.as_ref().ok().copied());
        let selector = calldata.first_chunk::<4>().copied().unwrap_or_default();
        if let Some(allowed) = self.account_selectors.filter(|a| !a.contains(&selector)) {
            let reason = Reason::AccountFunctionRefused {
                selector: selector.into(),
                allowed: allowed.iter().map(|s| (*s).into()).collect(),
            };
            evaluator.refuse(reason);
            return;
        }
        match kind.and_then(|kind| account::unwrap(kind, calldata)) {
            Ok(Unwrapped::Calls(calls)) => evaluator.run_from(&calls, Origin::Executions),
            Ok(Unwrapped::AccountCall(_)) => {
                let call = Call {
                    to: ctx.account.unwrap_or_default(),
                    value: U256::ZERO,
                    data: calldata,
                };
                evaluator.run_from(&[call], Origin::AccountCall);
            }
            Err(error) => evaluator.refuse(Reason::Unwrap { error }),
        }
    }
}
