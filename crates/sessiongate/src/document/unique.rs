//! Duplicate keys in JSON objects. serde_json keeps the last of two equal keys: a map (a
//! session's `budgets`, a ledger) and any detour through `serde_json::Value` never see the first,
//! so `{"daily": 5, "daily": 500}` would load as 500 without a word. Derived structs refuse a
//! repeated field only when read from the text itself. So every text a loader reads is first
//! walked once, and the first key that repeats within one object, at any depth, is an error.

use super::error::JsonError;
use alloc::{borrow::Cow, collections::BTreeSet, format, string::String};
use core::fmt::{self, Write};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Why the walk stopped.
pub(crate) enum Refused {
    /// A key repeats; the error names it and the path of its object.
    Duplicate(JsonError),
    /// The text is not JSON at all (or nests too deep); a typed parse reports that better.
    NotJson(JsonError),
}

/// Walks `text` and refuses the first key that repeats within one object.
pub(crate) fn refuse_duplicate_keys(text: &str) -> Result<(), Refused> {
    let mut walk = Walk::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let walked = Value(&mut walk)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    walked.map_err(|e| {
        let error = JsonError::new(walk.path, &e);
        match walk.duplicate {
            true => Refused::Duplicate(error),
            false => Refused::NotJson(error),
        }
    })
}

/// The message for a repeated key, shared by every map that refuses one itself.
fn duplicate_key<E: de::Error>(key: &str) -> E {
    E::custom(format!("duplicate key `{key}`"))
}

/// Where the walk is: the path of the current value, left at the object at fault on error.
#[derive(Default)]
struct Walk {
    path: String,
    duplicate: bool,
}

impl Walk {
    fn push_key(&mut self, key: &str) {
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(key);
    }
}

/// One JSON value, walked for its objects' keys.
struct Value<'w>(&'w mut Walk);

impl<'de> DeserializeSeed<'de> for Value<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Value<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let walk = self.0;
        let mut index = 0usize;
        loop {
            let len = walk.path.len();
            // Writing to a String cannot fail.
            let _ = write!(walk.path, "[{index}]");
            if seq.next_element_seed(Value(&mut *walk))?.is_none() {
                walk.path.truncate(len);
                return Ok(());
            }
            walk.path.truncate(len);
            index = index.saturating_add(1);
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let walk = self.0;
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key_seed(Key)? {
            if seen.contains(&key) {
                walk.duplicate = true;
                return Err(duplicate_key(&key));
            }
            let len = walk.path.len();
            walk.push_key(&key);
            map.next_value_seed(Value(&mut *walk))?;
            walk.path.truncate(len);
            seen.insert(key);
        }
        Ok(())
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicate(text: &str) -> Option<String> {
        match refuse_duplicate_keys(text) {
            Err(Refused::Duplicate(e)) => Some(e.to_string()),
            _ => None,
        }
    }

    #[test]
    fn names_the_key_and_the_path_of_its_object() {
        let text = "{\"a\": [1, {\"b\": {\"c\": 1, \"c\": 2}}]}";
        assert_eq!(
            duplicate(text).as_deref(),
            Some("a[1].b: duplicate key `c` (line 1, column 28)")
        );
        assert_eq!(
            duplicate("{\"x\": 1,\n \"x\": 1}").as_deref(),
            Some("duplicate key `x` (line 2, column 4)")
        );
    }

    #[test]
    fn escapes_do_not_hide_a_repeat() {
        assert!(duplicate("{\"ab\": 1, \"a\\u0062\": 2}").is_some());
    }

    #[test]
    fn equal_keys_in_different_objects_are_fine() {
        let text = "{\"a\": {\"k\": 1}, \"b\": {\"k\": 1}, \"c\": [{\"k\": 1}, {\"k\": 2}]}";
        assert!(refuse_duplicate_keys(text).is_ok());
        assert!(refuse_duplicate_keys("[]").is_ok());
    }

    #[test]
    fn text_that_is_not_json_is_told_apart() {
        for text in ["{\"a\": }", "{} {}", "{\"a\": 1"] {
            assert!(
                matches!(refuse_duplicate_keys(text), Err(Refused::NotJson(_))),
                "{text}"
            );
        }
    }
}
