//! A session's fingerprint: the hash of its canonical form, the namespace of its counters.

use alloc::{string::String, vec::Vec};
use alloy_primitives::{B256, keccak256};
use core::fmt;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The keccak-256 of a session's canonical form: its format's name and its document as the
/// loader read it (fields typed, numbers and addresses normalized), written as JSON with sorted
/// keys and no spaces. Two encodings of one session (keys reordered, `"100"` for `100`, an address
/// in another case) share a fingerprint; any change to what the session says makes a new one.
/// It namespaces the session's ledger counters, so two sessions in one store never collide.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Fingerprint(
    #[cfg_attr(feature = "schema", schemars(with = "crate::wire::Hex"))] pub B256,
);

/// Bumped if the canonical form ever changes meaning: old and new fingerprints then differ
/// instead of two forms sharing one.
const DOMAIN: &[u8] = b"sessiongate/session-fingerprint/v1\0";

impl Fingerprint {
    /// The fingerprint of a typed document of `format`. Fails only if the document does not
    /// serialize to JSON, which typed documents always do.
    pub(crate) fn of_document<T: Serialize>(
        format: &str,
        document: &T,
    ) -> Result<Self, serde_json::Error> {
        let value = serde_json::to_value(document)?;
        let mut bytes = Vec::from(DOMAIN);
        bytes.extend_from_slice(format.as_bytes());
        bytes.push(0);
        write_canonical(&value, &mut bytes)?;
        Ok(Self(keccak256(&bytes)))
    }
}

/// JSON with object keys sorted at every depth, whatever map the build's `serde_json` uses.
fn write_canonical(value: &Value, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&serde_json::to_vec(key)?);
                out.push(b':');
                write_canonical(item, out)?;
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out)?;
            }
            out.push(b']');
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            out.extend_from_slice(&serde_json::to_vec(value)?);
        }
    }
    Ok(())
}

/// A keccak-256 is uniform: its first eight bytes spread keys over a hash table as well as all
/// 32 would, at a quarter of the hashing (equality still compares all 32).
impl core::hash::Hash for Fingerprint {
    #[inline]
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        let (head, _) = self.0.0.split_first_chunk::<8>().unwrap_or((&[0; 8], &[]));
        state.write_u64(u64::from_le_bytes(*head));
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
