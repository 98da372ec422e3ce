//! The strict decoder: follows a path's steps over calldata, checking every offset, length,
//! element order, padding and leaf word it reads, and spending [`Work`] as it goes.

use super::{DecodeError, Leaf, MAX_ELEMENTS, PARAMS_START, ParamPath, Pick, Step, Tail};
use crate::calldata::{WordType, Work};
use alloy_primitives::U256;
use core::ops::ControlFlow;

/// An array opened at its encoding's start.
#[derive(Clone, Copy, Debug)]
struct Opened {
    /// Where its elements' heads start.
    frame: usize,
    /// How many elements it has.
    count: usize,
    /// Head bytes per element.
    stride: usize,
    /// Whether elements are dynamic (their head slots hold offsets).
    deref: bool,
    /// Where the length word is (dynamic) or the array starts (fixed), for errors.
    at: usize,
}

/// An element located in an opened array.
#[derive(Clone, Copy, Debug)]
struct Element {
    /// Where its encoding starts.
    pos: usize,
    /// Its head slot.
    slot: usize,
    /// Its offset from the array's frame, for dynamic elements.
    offset: usize,
}

/// Where a step leads: a position, or an array to iterate.
enum Next {
    At(usize),
    Each(Opened),
}

/// Byte position after the selector, for leaves and errors.
#[inline]
fn rel(pos: usize) -> usize {
    pos.saturating_sub(PARAMS_START)
}

#[inline]
fn word(data: &[u8], pos: usize) -> Result<U256, DecodeError> {
    load(data, pos).ok_or(DecodeError::ShortData { at: rel(pos) })
}

/// [`read_word`](crate::calldata::read_word) by 64-bit limbs, which compiles to four loads and
/// byte swaps.
#[inline(always)]
fn load(data: &[u8], pos: usize) -> Option<U256> {
    let end = pos.checked_add(32)?;
    let bytes = data.get(pos..end)?;
    let (w3, rest) = bytes.split_first_chunk::<8>()?;
    let (w2, rest) = rest.split_first_chunk::<8>()?;
    let (w1, rest) = rest.split_first_chunk::<8>()?;
    let (w0, _) = rest.split_first_chunk::<8>()?;
    Some(U256::from_limbs([
        u64::from_be_bytes(*w0),
        u64::from_be_bytes(*w1),
        u64::from_be_bytes(*w2),
        u64::from_be_bytes(*w3),
    ]))
}

/// Follows the offset word at `slot`, relative to `frame`, the start of a tuple or array whose
/// head is `head` bytes. Returns the target position and the offset.
#[inline]
fn follow(
    data: &[u8],
    frame: usize,
    head: usize,
    slot: usize,
) -> Result<(usize, usize), DecodeError> {
    let offset = word(data, slot)?;
    let at = rel(slot);
    let [low, ..] = *offset.as_limbs();
    if low & 31 != 0 {
        return Err(DecodeError::MisalignedOffset { at, offset });
    }
    let small = usize::try_from(offset).ok();
    if small.is_some_and(|o| o < head) {
        return Err(DecodeError::OffsetIntoHead { at, offset, head });
    }
    // Every dynamic value starts with at least one word: a length, or a non-empty head.
    small
        .and_then(|o| Some((frame.checked_add(o)?, o)))
        .filter(|(target, _)| target.checked_add(32).is_some_and(|end| end <= data.len()))
        .ok_or(DecodeError::OffsetOutOfBounds {
            at,
            offset,
            len: rel(data.len()),
        })
}

/// Whether `count` elements of `stride` bytes from `frame` fit in the data.
#[inline]
fn fits(data: &[u8], frame: usize, count: usize, stride: usize) -> bool {
    count
        .checked_mul(stride)
        .and_then(|bytes| frame.checked_add(bytes))
        .is_some_and(|end| end <= data.len())
}

impl Opened {
    /// Opens the array a `Fixed` or `Dynamic` step enters at `pos`; `each` applies the
    /// [`MAX_ELEMENTS`] cap.
    #[inline]
    fn new(data: &[u8], pos: usize, step: &Step, each: bool) -> Result<Self, DecodeError> {
        match *step {
            Step::Fixed {
                len, stride, deref, ..
            } => Ok(Self {
                frame: pos,
                count: len,
                stride,
                deref,
                at: rel(pos),
            }),
            Step::Dynamic { stride, deref, .. } => {
                let len = word(data, pos)?;
                let at = rel(pos);
                if each && len > U256::from(MAX_ELEMENTS) {
                    return Err(DecodeError::TooManyElements {
                        at,
                        len,
                        max: MAX_ELEMENTS,
                    });
                }
                let frame = pos.saturating_add(32);
                let count = usize::try_from(len)
                    .ok()
                    .filter(|count| fits(data, frame, *count, stride))
                    .ok_or(DecodeError::LengthOutOfBounds { at, len })?;
                Ok(Self {
                    frame,
                    count,
                    stride,
                    deref,
                    at,
                })
            }
            // Fields never open arrays.
            Step::Field { .. } => Err(DecodeError::ShortData { at: rel(pos) }),
        }
    }

    /// Element `index`: its head slot and, for dynamic elements, the target of its offset.
    #[inline]
    fn element(&self, data: &[u8], index: usize) -> Result<Element, DecodeError> {
        if index >= self.count {
            return Err(DecodeError::IndexOutOfBounds {
                at: self.at,
                index,
                len: U256::from(self.count),
            });
        }
        let slot = index
            .checked_mul(self.stride)
            .and_then(|bytes| self.frame.checked_add(bytes))
            .ok_or(DecodeError::ShortData {
                at: rel(self.frame),
            })?;
        if !self.deref {
            return Ok(Element {
                pos: slot,
                slot,
                offset: 0,
            });
        }
        let head = self.count.saturating_mul(self.stride);
        let (pos, offset) = follow(data, self.frame, head, slot)?;
        Ok(Element { pos, slot, offset })
    }

    /// Checks that the offset of element `index` is above the previous element's.
    #[inline]
    fn in_order(&self, element: &Element, previous: &mut Option<usize>) -> Result<(), DecodeError> {
        if !self.deref {
            return Ok(());
        }
        if let Some(prev) = *previous
            && element.offset <= prev
        {
            return Err(DecodeError::OffsetsOutOfOrder {
                at: rel(element.slot),
                offset: U256::from(element.offset),
                previous: U256::from(prev),
            });
        }
        *previous = Some(element.offset);
        Ok(())
    }
}

/// Visits the static words that are the elements of `array` themselves.
#[inline]
fn each_word<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
    data: &'d [u8],
    array: &Opened,
    ty: WordType,
    first: Option<u32>,
    work: &Work,
    f: &mut F,
) -> Result<ControlFlow<()>, DecodeError> {
    // Charged up front: the loop below reads every word even when `f` decides early.
    if !work.spend_count(array.count) {
        return Err(DecodeError::WorkExhausted {
            at: rel(array.frame),
        });
    }
    let mut pos = array.frame;
    for i in 0..array.count {
        let word = word(data, pos)?;
        let at = rel(pos);
        if !ty.is_valid(&word) {
            return Err(DecodeError::DirtyWord { at, ty, word });
        }
        let index = first.unwrap_or_else(|| u32::try_from(i).unwrap_or(u32::MAX));
        if f(index, Leaf::Word { at, word }).is_break() {
            return Ok(ControlFlow::Break(()));
        }
        pos = pos.saturating_add(array.stride);
    }
    Ok(ControlFlow::Continue(()))
}

/// Takes one step from `pos`. A `[*]` step opens its array, unless `each_index` fixes it.
#[inline]
fn advance(
    data: &[u8],
    pos: usize,
    step: &Step,
    each_index: Option<usize>,
) -> Result<Next, DecodeError> {
    match *step {
        Step::Field {
            offset,
            head,
            deref,
        } => {
            let slot = pos
                .checked_add(offset)
                .ok_or(DecodeError::ShortData { at: rel(pos) })?;
            if deref {
                Ok(Next::At(follow(data, pos, head, slot)?.0))
            } else {
                Ok(Next::At(slot))
            }
        }
        Step::Fixed { pick, .. } | Step::Dynamic { pick, .. } => {
            let array = Opened::new(data, pos, step, pick == Pick::Each)?;
            match (pick, each_index) {
                (Pick::At(index), _) | (Pick::Each, Some(index)) => {
                    Ok(Next::At(array.element(data, index)?.pos))
                }
                (Pick::Each, None) => Ok(Next::Each(array)),
            }
        }
    }
}

impl ParamPath {
    /// Visits every leaf the path reaches, in order: once without `[*]`, once per element with.
    /// The index given to `f` is the element index of the first `[*]` (0 without). Returning
    /// `Break` stops early, with `Ok`.
    ///
    /// `data` is the whole calldata, selector included. Leaves visited before an encoding error
    /// was found have been passed to `f` by the time the error is returned.
    pub fn visit<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
        &self,
        data: &'d [u8],
        f: F,
    ) -> Result<(), DecodeError> {
        self.visit_within(data, &Work::default(), f)
    }

    /// [`visit`](Self::visit), spending one step of `work` per element and leaf reached;
    /// [`DecodeError::WorkExhausted`] when it runs out. Several `[*]` over arrays whose offsets
    /// alias one another could otherwise make a few hundred kilobytes of calldata take hours.
    pub fn visit_within<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
        &self,
        data: &'d [u8],
        work: &Work,
        f: F,
    ) -> Result<(), DecodeError> {
        let mut f = f;
        self.walk(data, 0, PARAMS_START, None, work, &mut f)
            .map(|_| ())
    }

    /// The leaf with the single `[*]` (if any) fixed to `index`; an error if the path has two
    /// or more `[*]`.
    ///
    /// The array at the `[*]` gets the same length checks as in [`visit`](Self::visit), but
    /// only element `index`'s offset is read: [`each_len`](Self::each_len) checks them all.
    pub fn get<'d>(&self, data: &'d [u8], index: u32) -> Result<Leaf<'d>, DecodeError> {
        if self.wildcards > 1 {
            return Err(DecodeError::TooManyWildcards {
                wildcards: self.wildcards,
            });
        }
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        let mut pos = PARAMS_START;
        for step in self.steps.iter() {
            if let Next::At(next) = advance(data, pos, step, Some(index))? {
                pos = next;
            }
        }
        self.leaf(data, pos)
    }

    /// With a `[*]`: how many elements the array at the first `[*]` has (validated as
    /// [`visit`](Self::visit) would).
    ///
    /// The steps before it are followed, its length is checked (at most [`MAX_ELEMENTS`], its
    /// head inside the data) and so are all its elements' offsets (valid and increasing); the
    /// elements themselves are not read. Without a `[*]`: 1, reading nothing.
    pub fn each_len(&self, data: &[u8]) -> Result<usize, DecodeError> {
        let mut pos = PARAMS_START;
        for step in self.steps.iter() {
            match advance(data, pos, step, None)? {
                Next::At(next) => pos = next,
                Next::Each(array) => {
                    if array.deref {
                        let mut previous = None;
                        for i in 0..array.count {
                            let element = array.element(data, i)?;
                            array.in_order(&element, &mut previous)?;
                        }
                    }
                    return Ok(array.count);
                }
            }
        }
        Ok(1)
    }

    /// Follows the steps from `from` at `pos`, calling `f` on each leaf.
    fn walk<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
        &self,
        data: &'d [u8],
        from: usize,
        mut pos: usize,
        first: Option<u32>,
        work: &Work,
        f: &mut F,
    ) -> Result<ControlFlow<()>, DecodeError> {
        if !work.spend(1) {
            return Err(DecodeError::WorkExhausted { at: rel(pos) });
        }
        let steps = self.steps.get(from..).unwrap_or_default();
        for (k, step) in steps.iter().enumerate() {
            match advance(data, pos, step, None)? {
                Next::At(next) => pos = next,
                Next::Each(array) => {
                    let next = from.saturating_add(k).saturating_add(1);
                    return self.each(data, &array, next, first, work, f);
                }
            }
        }
        let leaf = self.leaf(data, pos)?;
        Ok(f(first.unwrap_or(0), leaf))
    }

    /// Walks the steps from `next` in every element of `array`.
    fn each<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
        &self,
        data: &'d [u8],
        array: &Opened,
        next: usize,
        first: Option<u32>,
        work: &Work,
        f: &mut F,
    ) -> Result<ControlFlow<()>, DecodeError> {
        if let (Tail::Word(ty), false, true) = (self.tail, array.deref, next >= self.steps.len()) {
            // The common `recipients[*]`: static words one after another, already known to fit.
            return each_word(data, array, ty, first, work, f);
        }
        let mut previous = None;
        for i in 0..array.count {
            let element = array.element(data, i)?;
            array.in_order(&element, &mut previous)?;
            let index = first.or_else(|| u32::try_from(i).ok());
            if self
                .walk(data, next, element.pos, index, work, f)?
                .is_break()
            {
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    }

    /// Reads the leaf whose encoding starts at `pos`.
    #[inline]
    fn leaf<'d>(&self, data: &'d [u8], pos: usize) -> Result<Leaf<'d>, DecodeError> {
        let at = rel(pos);
        match self.tail {
            Tail::Word(ty) => {
                let word = word(data, pos)?;
                if !ty.is_valid(&word) {
                    return Err(DecodeError::DirtyWord { at, ty, word });
                }
                Ok(Leaf::Word { at, word })
            }
            Tail::Bytes { length } => {
                let len = word(data, pos)?;
                let start = pos.saturating_add(32);
                let out = DecodeError::LengthOutOfBounds { at, len };
                let n = usize::try_from(len).map_err(|_| out)?;
                let end = n
                    .checked_add(31)
                    .map(|padded| padded & !31)
                    .and_then(|padded| start.checked_add(padded))
                    .filter(|end| *end <= data.len())
                    .ok_or(out)?;
                let content_end = start.checked_add(n).ok_or(out)?;
                let content = data.get(start..content_end).ok_or(out)?;
                let padding = data.get(content_end..end).ok_or(out)?;
                if let Some(i) = padding.iter().position(|b| *b != 0) {
                    return Err(DecodeError::DirtyPadding {
                        at,
                        len: n,
                        byte: rel(content_end.saturating_add(i)),
                    });
                }
                if length {
                    Ok(Leaf::Length { at, len })
                } else {
                    Ok(Leaf::Bytes { at, content })
                }
            }
            Tail::ArrayLength { stride } => {
                let len = word(data, pos)?;
                let frame = pos.saturating_add(32);
                if !usize::try_from(len).is_ok_and(|count| fits(data, frame, count, stride)) {
                    return Err(DecodeError::LengthOutOfBounds { at, len });
                }
                Ok(Leaf::Length { at, len })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn load_reads_words_like_read_word() {
        let data: Vec<u8> = (0..=255u8).chain(0..40).collect();
        for pos in [0, 1, 31, 100, 263, 264, 295, usize::MAX - 10] {
            assert_eq!(
                load(&data, pos),
                crate::calldata::read_word(&data, pos),
                "{pos}"
            );
        }
    }
}
