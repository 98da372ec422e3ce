//! Why a compiled session cannot be built. Loaders turn these into errors naming the field.

/// A session the model refuses, whatever format it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ModelError {
    /// More actions than an index can number.
    TooManyActions,
    /// More than [`MAX_ALTERNATIVES`](super::MAX_ALTERNATIVES) actions share a (target,
    /// selector) under alternatives dispatch; the first action past the cap.
    TooManyAlternatives { action: u32 },
    /// A counter id that ends in `@` and digits would print like another counter's window.
    AmbiguousCounter { id: alloc::boxed::Box<str> },
}
