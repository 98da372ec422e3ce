use alloy_dyn_abi::DynSolType;
use alloy_primitives::U256;
use core::fmt;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The ABI type of one static 32-byte word, and so the rule Solidity's decoder applies to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordType {
    /// `address`: the 12 high bytes are zero.
    Address,
    /// `bool`: the word is 0 or 1.
    Bool,
    /// `uintN`: no bit at or above N is set.
    Uint(u16),
    /// `intN`: the bits above N-1 repeat the sign bit.
    Int(u16),
    /// `bytesN`: the low 32-N bytes are zero.
    FixedBytes(u8),
}

impl WordType {
    /// The word type of an elementary static ABI type, or `None` for anything else.
    pub fn from_dyn(ty: &DynSolType) -> Option<Self> {
        Some(match *ty {
            DynSolType::Address => Self::Address,
            DynSolType::Bool => Self::Bool,
            DynSolType::Uint(bits) => Self::Uint(u16::try_from(bits).ok()?),
            DynSolType::Int(bits) => Self::Int(u16::try_from(bits).ok()?),
            DynSolType::FixedBytes(len) => Self::FixedBytes(u8::try_from(len).ok()?),
            _ => return None,
        })
    }

    /// Parses an elementary type name such as `uint96` or `address`.
    pub fn parse(name: &str) -> Option<Self> {
        DynSolType::parse(name)
            .ok()
            .as_ref()
            .and_then(Self::from_dyn)
    }

    /// Whether a word as it lies in calldata is a valid encoding of this type.
    #[inline(always)]
    pub(crate) fn is_valid_at(self, bytes: &[u8; 32]) -> bool {
        match self {
            Self::Address => bytes.first_chunk::<12>() == Some(&[0; 12]),
            Self::Uint(256) | Self::Int(256) | Self::FixedBytes(32) => true,
            _ => self.is_valid(&U256::from_limbs(limbs(bytes))),
        }
    }

    /// Whether `word` is a valid encoding of this type, as Solidity's ABI decoder checks it.
    #[inline]
    pub fn is_valid(self, word: &U256) -> bool {
        let [_, _, limb2, limb3] = *word.as_limbs();
        match self {
            // Limbs are little-endian: an address leaves the top 96 bits zero.
            Self::Address => limb3 == 0 && limb2 <= u64::from(u32::MAX),
            Self::Bool => *word <= U256::from(1u8),
            Self::Uint(256) | Self::Int(256) | Self::FixedBytes(32) => true,
            Self::Uint(bits) => word.wrapping_shr(usize::from(bits)).is_zero(),
            Self::Int(bits) => {
                let bits = usize::from(bits);
                let high = word.wrapping_shr(bits);
                let sign = bits.checked_sub(1).is_some_and(|b| word.bit(b));
                if sign {
                    high == U256::MAX.wrapping_shr(bits)
                } else {
                    high.is_zero()
                }
            }
            Self::FixedBytes(len) => word
                .wrapping_shl(usize::from(len).saturating_mul(8))
                .is_zero(),
        }
    }

    /// Whether every 32-byte word is a valid encoding (uint256, int256, bytes32): such words need
    /// no validity check.
    #[inline]
    pub fn accepts_any_word(self) -> bool {
        matches!(
            self,
            Self::Uint(256) | Self::Int(256) | Self::FixedBytes(32)
        )
    }

    /// Whether ordering conditions (greater, less, in-range) make sense on this type.
    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Uint(_) | Self::Int(_))
    }

    /// Whether values of this type compare as two's-complement signed numbers.
    #[inline]
    pub fn is_signed(self) -> bool {
        matches!(self, Self::Int(_))
    }
}

impl fmt::Display for WordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Address => f.write_str("address"),
            Self::Bool => f.write_str("bool"),
            Self::Uint(bits) => write!(f, "uint{bits}"),
            Self::Int(bits) => write!(f, "int{bits}"),
            Self::FixedBytes(len) => write!(f, "bytes{len}"),
        }
    }
}

/// Written by its ABI name (`uint96`), as in a signature.
impl Serialize for WordType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WordType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = crate::wire::Text::new("an elementary ABI type name", Self::parse);
        deserializer.deserialize_str(visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for WordType {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        "WordType".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "an elementary ABI type: address, bool, uintN, intN or bytesN",
            "type": "string",
            "pattern": "^(address|bool|u?int[0-9]{1,3}|bytes[0-9]{1,2})$"
        })
    }
}

/// Reads the 32-byte word that starts at byte `start` of `data`, or `None` when the data ends first.
#[inline]
pub fn read_word(data: &[u8], start: usize) -> Option<U256> {
    word_at(data, start).map(|bytes| U256::from_limbs(limbs(bytes)))
}

/// The 32 bytes at `start`, as they lie in calldata; `None` when the data ends first. The hot
/// path compares these in place: a word built in memory a limb at a time and reloaded wider
/// stalls on store forwarding.
#[inline(always)]
pub(crate) fn word_at(data: &[u8], start: usize) -> Option<&[u8; 32]> {
    let end = start.checked_add(32)?;
    data.get(start..end)?.try_into().ok()
}

/// A big-endian word's limbs, least significant first, as [`U256`] holds them.
#[inline(always)]
pub(crate) fn limbs(bytes: &[u8; 32]) -> [u64; 4] {
    let (chunks, _) = bytes.as_chunks::<8>();
    let chunk = |i: usize| chunks.get(i).copied().map_or(0, u64::from_be_bytes);
    [chunk(3), chunk(2), chunk(1), chunk(0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(hex: &str) -> U256 {
        U256::from_str_radix(hex, 16).unwrap()
    }

    #[test]
    fn address_rejects_dirty_high_bits() {
        assert!(WordType::Address.is_valid(&w("ffffffffffffffffffffffffffffffffffffffff")));
        assert!(!WordType::Address.is_valid(&w("1ffffffffffffffffffffffffffffffffffffffff")));
    }

    #[test]
    fn bool_is_zero_or_one() {
        assert!(WordType::Bool.is_valid(&U256::ZERO));
        assert!(WordType::Bool.is_valid(&U256::from(1)));
        assert!(!WordType::Bool.is_valid(&U256::from(2)));
    }

    #[test]
    fn uint_range_boundaries() {
        assert!(WordType::Uint(8).is_valid(&U256::from(255)));
        assert!(!WordType::Uint(8).is_valid(&U256::from(256)));
        assert!(WordType::Uint(256).is_valid(&U256::MAX));
    }

    #[test]
    fn int_needs_sign_extension() {
        let minus_one = U256::MAX;
        assert!(WordType::Int(8).is_valid(&minus_one));
        assert!(WordType::Int(8).is_valid(&U256::from(127)));
        assert!(!WordType::Int(8).is_valid(&U256::from(128)));
        // -128 as int8, sign-extended
        let minus_128 = U256::MAX - U256::from(127);
        assert!(WordType::Int(8).is_valid(&minus_128));
        assert!(!WordType::Int(8).is_valid(&(minus_128 - U256::from(1))));
        // 0x80 without sign extension is dirty
        assert!(!WordType::Int(8).is_valid(&U256::from(0x80)));
        assert!(WordType::Int(256).is_valid(&U256::MAX));
    }

    #[test]
    fn fixed_bytes_low_bytes_zero() {
        let word = w("ab").wrapping_shl(248);
        assert!(WordType::FixedBytes(1).is_valid(&word));
        assert!(!WordType::FixedBytes(1).is_valid(&(word | U256::from(1))));
        assert!(WordType::FixedBytes(32).is_valid(&U256::MAX));
    }

    #[test]
    fn read_word_bounds() {
        let data = [0u8; 64];
        assert!(read_word(&data, 32).is_some());
        assert!(read_word(&data, 33).is_none());
        assert!(read_word(&data, usize::MAX).is_none());
    }

    #[test]
    fn parse_and_display_round_trip() {
        for name in [
            "address", "bool", "uint8", "uint256", "int24", "bytes4", "bytes32",
        ] {
            assert_eq!(WordType::parse(name).unwrap().to_string(), name);
        }
        assert_eq!(WordType::parse("uint"), Some(WordType::Uint(256)));
        assert_eq!(WordType::parse("string"), None);
        assert_eq!(WordType::parse("uint7"), None);
    }

    proptest::proptest! {
        /// The in-place check the hot path uses agrees with the word check, for every type, on
        /// words near each type's edge (a few top bytes set, or all).
        #[test]
        fn in_place_validity_agrees(
            low in proptest::prelude::any::<[u8; 32]>(),
            keep in 0usize..=32,
            fill in proptest::prop_oneof![proptest::strategy::Just(0u8), proptest::strategy::Just(0xff)],
        ) {
            let mut bytes = low;
            for byte in bytes.iter_mut().take(32 - keep) {
                *byte = fill;
            }
            let word = U256::from_be_bytes(bytes);
            proptest::prop_assert_eq!(read_word(&bytes, 0), Some(word));
            let mut types = vec![WordType::Address, WordType::Bool];
            for n in 1..=32u16 {
                types.extend([WordType::Uint(n * 8), WordType::Int(n * 8), WordType::FixedBytes(n as u8)]);
            }
            for ty in types {
                proptest::prop_assert_eq!(ty.is_valid_at(&bytes), ty.is_valid(&word), "{}", ty);
            }
        }
    }
}
