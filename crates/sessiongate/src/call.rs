//! What evaluation is asked about: a [`Call`] and the [`Context`] it is made in.

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
