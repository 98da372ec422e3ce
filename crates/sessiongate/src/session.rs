//! The compiled session: a validated document with actions indexed by target and selector, rule
//! references decoded to words and every ledger key built, so evaluation only compares words.

use crate::account::{self, AccountKind, Unwrapped};
use crate::calldata::{CallKind, HeadWord, ParamPath, Selector, Work};
use crate::document::{self, LoadError, SessionDocument, Target};
use crate::evaluate::{Evaluator, Mode, OpFacts, Origin};
use crate::index::ActionIndex;
use crate::limits::{Ledger, Policy};
use crate::rules::{Expr, Rule};
use crate::user_op::UserOperation;
use crate::verdict::{Reason, Verdict};
use alloc::{boxed::Box, string::String};
use alloy_primitives::{Address, U256};

/// What a call is: its target, native value and calldata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call<'a> {
    /// The contract or account called.
    pub to: Address,
    /// Native value in wei.
    pub value: U256,
    /// Calldata; empty for a plain native transfer.
    pub data: &'a [u8],
}

/// The facts evaluation needs from outside: the engine reads no clock and no chain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// Unix time in seconds (the block timestamp the call is expected to land in).
    pub now: u64,
    /// The chain the call is for.
    pub chain_id: u64,
    /// The smart account the session key acts for; `transferFrom` counts against a spend
    /// limit only when it moves this account's tokens (always, when unknown).
    pub account: Option<Address>,
}

/// Which calldata an action matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SelectorMatch {
    /// Any call, including a native transfer.
    Any,
    /// A plain native transfer: empty calldata.
    Native,
    /// Calldata starting with this selector.
    Function(Selector),
}

/// A compiled action.
#[derive(Clone, Debug)]
pub(crate) struct Action {
    /// Its name, or `actions[i]`.
    pub(crate) label: Box<str>,
    pub(crate) target: Target,
    pub(crate) selector: SelectorMatch,
    /// Minimum calldata length when a signature gives the head layout (else 0).
    pub(crate) min_len: usize,
    /// Static head words validated on every matched call (empty without a signature).
    pub(crate) head: Box<[HeadWord]>,
    /// Conditions on static words at fixed offsets: the fast path.
    pub(crate) rules: Box<[Rule]>,
    /// Every other rule: paths into dynamic data, quantifiers, relations, trees.
    pub(crate) exprs: Box<[Expr]>,
    pub(crate) policies: Box<[Policy]>,
    /// Where the calldata holds inner calls, matched against the session's actions in turn.
    pub(crate) nested: Option<Box<Nested>>,
    /// Work steps one try of the action takes before its paths, trees and nested calls: one,
    /// plus one per head word, word rule and policy, the session's included. Set by
    /// [`ActionIndex::build`].
    pub(crate) cost: u32,
}

/// Where an action's calldata holds inner calls: paths to each one's calldata and, when given,
/// its target and value (they share the calldata's `[*]`).
#[derive(Clone, Debug)]
pub(crate) struct Nested {
    pub(crate) calldata: ParamPath,
    pub(crate) target: Option<ParamPath>,
    pub(crate) value: Option<ParamPath>,
}

/// How a call finds its action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Dispatch {
    /// Native: actions are alternatives, tried most specific first, any one may allow.
    #[default]
    Alternatives,
    /// Smart Sessions: the exact (target, selector) action, else the fallback action; the first
    /// one found decides.
    SmartSessions(SmartDispatch),
    /// The most specific candidate decides, with no second try (thirdweb's first matching
    /// policy); calldata shorter than 4 bytes is a native transfer.
    FirstMatch,
}

/// What Smart Sessions' dispatch needs beyond the action index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SmartDispatch {
    /// The SmartSession module: calls to it only match the admin fallback action.
    pub(crate) module: Address,
    /// The action of (0x…01, 0x00000001), if it has policies.
    pub(crate) fallback: Option<u32>,
    /// The action of (0x…01, 0x00000002), if it has policies.
    pub(crate) admin: Option<u32>,
    /// Every known SmartSession deployment. A call to one other than `module` is, on chain, an
    /// ordinary call; here it also needs the admin action, so a session key cannot enable
    /// sessions or change policies there through an ordinary or fallback action (a deliberate
    /// fail-closed deviation).
    pub(crate) deployments: &'static [Address],
}

/// A validated session, ready to evaluate calls. Build one with [`Session::from_json`] or
/// [`Session::compile`]; it is immutable and can be shared between threads.
#[derive(Clone, Debug)]
pub struct Session {
    pub(crate) name: Option<Box<str>>,
    pub(crate) chain_id: Option<u64>,
    /// Policies every call must pass.
    pub(crate) policies: Box<[Policy]>,
    /// Policies checked once per transaction, against the sum of its values (Smart Sessions'
    /// user-operation policies).
    pub(crate) tx_policies: Box<[Policy]>,
    pub(crate) actions: Box<[Action]>,
    pub(crate) index: ActionIndex,
    pub(crate) dispatch: Dispatch,
    /// The account encoding the session's module reads, when it reads only one (Smart Sessions:
    /// ERC-7579 `execute`); otherwise the caller's, or detected.
    pub(crate) account_kind: Option<AccountKind>,
    /// The only account functions the session's module accepts, when it restricts them.
    pub(crate) account_selectors: Option<&'static [[u8; 4]]>,
    /// What a reader of the document should know, e.g. that the module does not check the
    /// selector.
    pub(crate) warnings: Box<[String]>,
}

impl Session {
    /// Parses and compiles a session document from JSON. Errors name the path of the field at
    /// fault, e.g. `actions[2].rules[0].value: …`.
    /// The document's `"format"` picks the loader: native when absent, or one of
    /// [`formats::FORMATS`](crate::formats::FORMATS).
    ///
    /// ```
    /// use sessiongate::Session;
    ///
    /// let session = Session::from_json(r#"{
    ///     "name": "tips",
    ///     "actions": [{
    ///         "target": "0x1111111111111111111111111111111111111111",
    ///         "selector": "native",
    ///         "policies": [{ "type": "max_value", "limit": "1000000000000000000" }]
    ///     }]
    /// }"#)?;
    /// assert_eq!((session.name(), session.action_count()), (Some("tips"), 1));
    ///
    /// let error = Session::from_json(r#"{"actions": [{"target": "0x11", "selector": "native"}]}"#)
    ///     .unwrap_err();
    /// assert!(error.to_string().starts_with("actions[0].target: "), "{error}");
    /// # Ok::<(), sessiongate::LoadError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        crate::formats::load_json(text)
    }

    /// Compiles a session from an already parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Self, LoadError> {
        crate::formats::load_value(value)
    }

    /// Validates a document and builds the compiled session.
    pub fn compile(doc: &SessionDocument) -> Result<Self, LoadError> {
        document::compile(doc)
    }

    /// The document's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Warnings from loading: semantics of the source system a reader may not expect.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The account encoding this session's module reads, if it reads only one.
    pub fn account_kind(&self) -> Option<AccountKind> {
        self.account_kind
    }

    /// How many actions the session has.
    pub fn action_count(&self) -> usize {
        self.actions.len()
    }

    /// Decides a batch (one call is a batch of one), stopping at the first violation.
    /// The batch is atomic: its calls add up against the same limits, and one denied call
    /// denies all with no effects.
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

    /// Evaluates into a verdict the caller reuses: once its buffers have grown, an allow on
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

    /// Decides what the account's own calldata (a user operation's `callData`) would do: it is
    /// unwrapped with the account's execute encoding into the calls it makes, which are then
    /// evaluated as one atomic batch. A session whose module reads one encoding uses it (Smart
    /// Sessions: ERC-7579 `execute`; thirdweb: its `execute(Call[])`); otherwise `kind` says the
    /// encoding, or it is detected from the selector. Calldata that cannot be unwrapped is denied with the reason.
    pub fn evaluate_account_calldata<'s, L: Ledger + ?Sized>(
        &'s self,
        calldata: &[u8],
        kind: Option<AccountKind>,
        ledger: &L,
        ctx: &Context,
        mode: Mode,
    ) -> Verdict<'s> {
        self.unwrap_and_run(calldata, kind, ledger, ctx, mode, None)
    }

    /// Decides an ERC-4337 user operation: its `callData` is unwrapped as
    /// [`evaluate_account_calldata`](Self::evaluate_account_calldata) does, with the operation's
    /// `sender` as the account, and policies that read the paymaster or the gas fields see them.
    pub fn evaluate_user_op<'s, L: Ledger + ?Sized>(
        &'s self,
        op: &UserOperation,
        kind: Option<AccountKind>,
        ledger: &L,
        ctx: &Context,
        mode: Mode,
    ) -> Verdict<'s> {
        let ctx = Context {
            account: Some(op.sender),
            ..*ctx
        };
        let facts = OpFacts {
            paymaster: op.paymaster,
            max_gas: op.max_gas(),
            max_cost: op.max_cost(),
        };
        self.unwrap_and_run(&op.call_data, kind, ledger, &ctx, mode, Some(facts))
    }

    fn unwrap_and_run<'s, L: Ledger + ?Sized>(
        &'s self,
        calldata: &[u8],
        kind: Option<AccountKind>,
        ledger: &L,
        ctx: &Context,
        mode: Mode,
        op: Option<OpFacts>,
    ) -> Verdict<'s> {
        let mut verdict = Verdict::default();
        let kind = match (self.account_kind, kind) {
            (Some(own), _) | (None, Some(own)) => Ok(own),
            (None, None) => account::detect(calldata),
        };
        let work = Work::default();
        let evaluator = Evaluator::new(self, ledger, ctx, mode, &mut verdict, &work)
            .with_op(op)
            .with_account_kind(kind.as_ref().ok().copied());
        let selector = calldata.first_chunk::<4>().copied().unwrap_or_default();
        if let Some(allowed) = self.account_selectors.filter(|a| !a.contains(&selector)) {
            let reason = Reason::AccountFunctionRefused {
                selector: selector.into(),
                allowed: allowed.iter().map(|s| (*s).into()).collect(),
            };
            evaluator.refuse(reason);
            return verdict;
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
        verdict
    }

    /// The actions a call may match, most specific first.
    #[inline]
    pub(crate) fn candidates(&self, to: Address, kind: CallKind) -> impl Iterator<Item = &Action> {
        self.index
            .candidates(to, kind)
            .filter_map(|i| self.actions.get(i as usize))
    }
}
