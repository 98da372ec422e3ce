//! The action index: which actions a call may match, by (target, selector), most specific first.
//! Looked up on every call, so its key is three machine words and its hash one multiply.

use super::{Action, ModelError, SelectorMatch, Target};
use crate::calldata::CallKind;
use alloc::{boxed::Box, vec::Vec};
use alloy_primitives::{Address, map::HashMap};
use core::hash::{BuildHasherDefault, Hash, Hasher};

/// A (target, selector) pair packed into integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    address_head: u128,
    address_tail_selector: u64,
    tags: u8,
}

impl Key {
    #[inline]
    fn new(target: Target, selector: SelectorMatch) -> Self {
        let (address, any_target) = match target {
            Target::Any => (Address::ZERO, 1u8),
            Target::Address(a) => (a, 0u8),
        };
        let (selector, kind) = match selector {
            SelectorMatch::Any => ([0u8; 4], 0u8),
            SelectorMatch::Native => ([0u8; 4], 2u8),
            SelectorMatch::Function(s) => (s.0, 4u8),
        };
        let bytes = address.0.0;
        let head = bytes.first_chunk::<16>().copied().unwrap_or_default();
        let tail = bytes.last_chunk::<4>().copied().unwrap_or_default();
        let tail_selector = u64::from(u32::from_be_bytes(tail)).wrapping_shl(32)
            | u64::from(u32::from_be_bytes(selector));
        Self {
            address_head: u128::from_be_bytes(head),
            address_tail_selector: tail_selector,
            tags: any_target | kind,
        }
    }
}

impl Hash for Key {
    /// One mixed word: addresses are keccak outputs or vanity prefixes, so folding and one
    /// multiply spread them well enough. A crafted collision only slows a lookup, never misleads
    /// it: keys are compared whole.
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        let [low, high] = [self.address_head as u64, (self.address_head >> 64) as u64];
        let folded = low ^ high.rotate_left(21) ^ self.address_tail_selector.rotate_left(43);
        state.write_u64((folded ^ u64::from(self.tags)).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
}

/// Passes the key's own mixed word through.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    #[inline]
    fn write_u64(&mut self, word: u64) {
        self.0 = word;
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// How specific a group of a call's candidate actions is. A call tries the tiers in
/// [`Tier::ALL`]'s order, most specific first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tier {
    /// The call's target and selector.
    Exact,
    /// The call's target, any selector.
    AnySelector,
    /// Any target, the call's selector.
    AnyTarget,
    /// Any target, any selector.
    Anything,
}

impl Tier {
    pub(crate) const ALL: [Self; 4] = [
        Self::Exact,
        Self::AnySelector,
        Self::AnyTarget,
        Self::Anything,
    ];
}

/// Where a key's actions sit in [`ActionIndex::order`].
#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    len: u32,
}

/// Actions one (target, selector) may have in the native format, where each is an alternative
/// tried on every call it matches: more would let a session make every call cost thousands of
/// tries.
pub(crate) const MAX_ALTERNATIVES: usize = 64;

/// Groups up to which a session's index is scanned rather than hashed.
const FEW_GROUPS: usize = 8;

/// Where each (target, selector) group sits: a list when there are few, since a scan of a few
/// keys beats hashing one and most sessions have a handful of actions; a map otherwise.
#[derive(Clone, Debug)]
enum Groups {
    Few(Box<[(Key, Span)]>),
    Many(HashMap<Key, Span, BuildHasherDefault<KeyHasher>>),
}

impl Default for Groups {
    fn default() -> Self {
        Self::Few(Box::default())
    }
}

impl Groups {
    fn spans(&self) -> impl Iterator<Item = &Span> {
        let (few, many) = match self {
            Self::Few(few) => (Some(few.iter().map(|(_, span)| span)), None),
            Self::Many(many) => (None, Some(many.values())),
        };
        few.into_iter().flatten().chain(many.into_iter().flatten())
    }
}

/// Actions grouped by (target, selector), in document order within a group.
#[derive(Clone, Debug, Default)]
pub(crate) struct ActionIndex {
    groups: Groups,
    order: Box<[u32]>,
    any_target: bool,
    any_selector: bool,
}

impl core::fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeyHasher")
    }
}

impl ActionIndex {
    /// Groups the actions, and sets each one's [`cost`](Action::cost) for the work budget; every
    /// try also checks the session's `session_policies`.
    pub(crate) fn build(
        actions: &mut [Action],
        session_policies: usize,
    ) -> Result<Self, ModelError> {
        let mut members: HashMap<Key, Vec<u32>, BuildHasherDefault<KeyHasher>> = HashMap::default();
        for (i, action) in actions.iter_mut().enumerate() {
            let cost = action
                .head
                .len()
                .saturating_add(action.rules.len())
                .saturating_add(action.policies.len())
                .saturating_add(session_policies)
                .saturating_add(1);
            action.cost = u32::try_from(cost).unwrap_or(u32::MAX);
            let i = u32::try_from(i).map_err(|_| ModelError::TooManyActions)?;
            members
                .entry(Key::new(action.target, action.selector))
                .or_default()
                .push(i);
        }
        let mut order = Vec::with_capacity(actions.len());
        let mut groups = HashMap::default();
        for (key, group) in members {
            let start = u32::try_from(order.len()).unwrap_or(u32::MAX);
            let len = u32::try_from(group.len()).unwrap_or(u32::MAX);
            order.extend(group);
            groups.insert(key, Span { start, len });
        }
        let groups = if groups.len() <= FEW_GROUPS {
            Groups::Few(groups.into_iter().collect())
        } else {
            Groups::Many(groups)
        };
        Ok(Self {
            groups,
            order: order.into(),
            any_target: actions.iter().any(|a| a.target == Target::Any),
            any_selector: actions.iter().any(|a| a.selector == SelectorMatch::Any),
        })
    }

    /// The first action past [`MAX_ALTERNATIVES`] in any (target, selector) group, in document
    /// order.
    pub(crate) fn first_past_cap(&self) -> Option<u32> {
        self.groups
            .spans()
            .filter(|span| span.len as usize > MAX_ALTERNATIVES)
            .filter_map(|span| {
                let at = (span.start as usize).saturating_add(MAX_ALTERNATIVES);
                self.order.get(at).copied()
            })
            .min()
    }

    /// Indices of the actions of one tier a call may match, in document order. Wildcard tiers
    /// are looked up only when the session has wildcards of that kind. A loop over
    /// [`Tier::ALL`] keeps each group in registers, where an iterator over all four is moved
    /// around the stack and stalls.
    #[inline(always)]
    pub(crate) fn tier(&self, tier: Tier, to: Address, kind: CallKind) -> &[u32] {
        let selector = match kind {
            CallKind::Function(s) => SelectorMatch::Function(s),
            CallKind::Native | CallKind::Truncated(_) => SelectorMatch::Native,
        };
        let exact = Target::Address(to);
        match tier {
            Tier::Exact => self.group(exact, selector),
            Tier::AnySelector if self.any_selector => self.group(exact, SelectorMatch::Any),
            Tier::AnyTarget if self.any_target => self.group(Target::Any, selector),
            Tier::Anything if self.any_target && self.any_selector => {
                self.group(Target::Any, SelectorMatch::Any)
            }
            Tier::AnySelector | Tier::AnyTarget | Tier::Anything => &[],
        }
    }

    /// The first action of exactly this target and selector.
    #[inline]
    pub(crate) fn exact(&self, to: Address, selector: SelectorMatch) -> Option<u32> {
        self.group(Target::Address(to), selector).first().copied()
    }

    #[inline]
    fn group(&self, target: Target, selector: SelectorMatch) -> &[u32] {
        let key = Key::new(target, selector);
        let found = match &self.groups {
            Groups::Few(few) => few.iter().find(|(k, _)| *k == key).map(|(_, span)| span),
            Groups::Many(many) => many.get(&key),
        };
        let Some(span) = found else {
            return &[];
        };
        let start = span.start as usize;
        self.order
            .get(start..start.saturating_add(span.len as usize))
            .unwrap_or_default()
    }
}
