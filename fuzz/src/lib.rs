//! Shared pieces of the fuzz targets: the verdict invariants every target asserts, the shipped
//! example sessions, the structure-aware builders of native sessions (`structured`), Smart
//! Sessions sessions (`smart_sessions`), account calldata (`account`) and user operations
//! (`user_op`), and the contract ABIs (`abi`) shared with the core's tests.

/// The contract ABIs of the core's tests, declared once for both (`sol!`, from the contracts'
/// sources).
#[path = "../../crates/sessiongate/tests/it/common/abi.rs"]
pub mod abi;
pub mod account;
pub mod examples;
pub mod invariants;
pub mod smart_sessions;
pub mod structured;
pub mod user_op;

use alloy_primitives::U256;
use arbitrary::Arbitrary;

/// An amount biased towards the edges where limits and comparisons break.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Amount {
    /// Zero: the native value of most calls, and the cap that forbids everything.
    Zero,
    /// A small number, where most real limits sit.
    Small(u16),
    /// A 64-bit number.
    Wide(u64),
    /// `2^256 - 1 - n`: near overflow.
    NearMax(u8),
    /// Any 256-bit word.
    Raw([u8; 32]),
}

impl Amount {
    /// The amount as a number.
    pub fn get(self) -> U256 {
        match self {
            Self::Zero => U256::ZERO,
            Self::Small(n) => U256::from(n),
            Self::Wide(n) => U256::from(n),
            Self::NearMax(n) => U256::MAX - U256::from(n),
            Self::Raw(bytes) => U256::from_be_bytes(bytes),
        }
    }
}
