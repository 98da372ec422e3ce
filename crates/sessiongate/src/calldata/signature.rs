use super::{Selector, WordType};
use alloc::{boxed::Box, string::String, vec::Vec};
use alloy_dyn_abi::{DynSolType, Specifier};
use alloy_json_abi::Function;

/// Heads larger than this many words are refused: no real function has them, and a huge
/// fixed array in a signature would otherwise make every check walk thousands of words.
const MAX_HEAD_WORDS: usize = 256;

/// A human-readable function signature resolved once into its selector and head layout.
#[derive(Clone, Debug)]
pub struct Signature {
    selector: Selector,
    canonical: String,
    params: Box<[Param]>,
    head: Box<[HeadWord]>,
    head_len: usize,
}

/// One top-level parameter of a signature.
#[derive(Clone, Debug)]
pub struct Param {
    /// Its name, when the signature gives one.
    pub name: Option<String>,
    /// Its ABI type.
    pub ty: DynSolType,
    /// Byte offset of its head slot after the selector.
    pub offset: usize,
}

/// One static elementary word of the head, validated on every call the action matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeadWord {
    /// Byte offset after the selector.
    pub offset: usize,
    /// The type whose validity rule applies.
    pub ty: WordType,
}

/// Why a signature could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The text is not a function signature.
    #[error("`{0}` is not a function signature such as `transfer(address to, uint256 amount)`")]
    Syntax(String),
    /// A parameter type is not an ABI type.
    #[error("parameter {index} has unknown type `{ty}`")]
    UnknownType {
        /// Parameter position.
        index: usize,
        /// The type as written.
        ty: String,
    },
    /// The static head is too large to check.
    #[error("the signature's static head has more than {MAX_HEAD_WORDS} words")]
    HeadTooLarge,
}

impl Signature {
    /// Parses `transfer(address to, uint256 amount)`, with or without a leading `function`.
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        let function =
            Function::parse(text.trim()).map_err(|_| SignatureError::Syntax(text.into()))?;
        let mut params = Vec::with_capacity(function.inputs.len());
        let mut head = Vec::new();
        let mut offset = 0usize;
        for (index, input) in function.inputs.iter().enumerate() {
            let ty = input.resolve().map_err(|_| SignatureError::UnknownType {
                index,
                ty: input.ty.clone(),
            })?;
            let words = head_words(&ty).ok_or(SignatureError::HeadTooLarge)?;
            if ty.is_dynamic() {
                // A dynamic parameter's head slot is an offset: checked as a uint256 word.
                push_word(&mut head, offset, WordType::Uint(256))?;
            } else {
                static_leaves(&ty, offset, &mut head)?;
            }
            let name = (!input.name.is_empty()).then(|| input.name.clone());
            params.push(Param { name, ty, offset });
            offset = words
                .checked_mul(32)
                .and_then(|len| offset.checked_add(len))
                .ok_or(SignatureError::HeadTooLarge)?;
        }
        if offset > MAX_HEAD_WORDS * 32 {
            return Err(SignatureError::HeadTooLarge);
        }
        Ok(Self {
            selector: function.selector(),
            canonical: function.signature(),
            params: params.into(),
            head: head.into(),
            head_len: offset,
        })
    }

    /// The 4-byte selector: the first bytes of keccak256 of the canonical signature.
    pub fn selector(&self) -> Selector {
        self.selector
    }

    /// The canonical form, e.g. `transfer(address,uint256)`.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The top-level parameters in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The static elementary words of the head, in order.
    pub fn head(&self) -> &[HeadWord] {
        &self.head
    }

    /// The head's length in bytes after the selector: calldata shorter than `4 + head_len`
    /// makes Solidity revert before any code runs.
    pub fn head_len(&self) -> usize {
        self.head_len
    }

    /// Finds a parameter by name.
    pub fn param_by_name(&self, name: &str) -> Option<(usize, &Param)> {
        self.params
            .iter()
            .enumerate()
            .find(|(_, p)| p.name.as_deref() == Some(name))
    }
}

/// How many head words a type occupies: 1 for dynamic types, its full size for static ones.
fn head_words(ty: &DynSolType) -> Option<usize> {
    if ty.is_dynamic() {
        return Some(1);
    }
    let words = match ty {
        DynSolType::FixedArray(inner, len) => head_words(inner)?.checked_mul(*len)?,
        DynSolType::Tuple(fields) => fields
            .iter()
            .try_fold(0usize, |acc, f| acc.checked_add(head_words(f)?))?,
        _ => 1,
    };
    (words <= MAX_HEAD_WORDS).then_some(words)
}

/// Appends every elementary word of a static type laid out from `offset`.
fn static_leaves(
    ty: &DynSolType,
    offset: usize,
    out: &mut Vec<HeadWord>,
) -> Result<usize, SignatureError> {
    match ty {
        DynSolType::FixedArray(inner, len) => {
            let mut at = offset;
            for _ in 0..*len {
                at = static_leaves(inner, at, out)?;
            }
            Ok(at)
        }
        DynSolType::Tuple(fields) => fields
            .iter()
            .try_fold(offset, |at, f| static_leaves(f, at, out)),
        // `function` types are 24 bytes left-aligned, like bytes24.
        DynSolType::Function => push_word(out, offset, WordType::FixedBytes(24)),
        other => {
            let word = WordType::from_dyn(other).ok_or(SignatureError::HeadTooLarge)?;
            push_word(out, offset, word)
        }
    }
}

fn push_word(
    out: &mut Vec<HeadWord>,
    offset: usize,
    ty: WordType,
) -> Result<usize, SignatureError> {
    if out.len() >= MAX_HEAD_WORDS {
        return Err(SignatureError::HeadTooLarge);
    }
    out.push(HeadWord { offset, ty });
    offset.checked_add(32).ok_or(SignatureError::HeadTooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::hex;

    #[test]
    fn transfer_with_names() {
        let sig = Signature::parse("transfer(address to, uint256 amount)").unwrap();
        assert_eq!(sig.selector(), Selector::from(hex!("a9059cbb")));
        assert_eq!(sig.canonical(), "transfer(address,uint256)");
        assert_eq!(sig.head_len(), 64);
        assert_eq!(sig.param_by_name("amount").unwrap().1.offset, 32);
        assert_eq!(sig.head()[0].ty, WordType::Address);
    }

    #[test]
    fn function_keyword_and_no_names() {
        let sig =
            Signature::parse("function approve(address,uint256) external returns (bool)").unwrap();
        assert_eq!(sig.selector(), Selector::from(hex!("095ea7b3")));
        assert!(sig.params()[0].name.is_none());
    }

    #[test]
    fn static_tuple_and_dynamic_offsets() {
        let sig =
            Signature::parse("f((address,uint8) p, bytes data, uint16[2] xs, bool ok)").unwrap();
        let offsets: Vec<usize> = sig.params().iter().map(|p| p.offset).collect();
        assert_eq!(offsets, vec![0, 64, 96, 160]);
        assert_eq!(sig.head_len(), 192);
        let types: Vec<WordType> = sig.head().iter().map(|h| h.ty).collect();
        assert_eq!(
            types,
            vec![
                WordType::Address,
                WordType::Uint(8),
                WordType::Uint(256),
                WordType::Uint(16),
                WordType::Uint(16),
                WordType::Bool
            ]
        );
    }

    #[test]
    fn refuses_garbage_and_huge_heads() {
        assert!(matches!(
            Signature::parse("transfer(address"),
            Err(SignatureError::Syntax(_))
        ));
        assert!(Signature::parse("f(foo)").is_err());
        assert_eq!(
            Signature::parse("f(uint256[100000])").unwrap_err(),
            SignatureError::HeadTooLarge
        );
    }
}
