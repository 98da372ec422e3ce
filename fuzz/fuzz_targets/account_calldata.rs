//! Property: any bytes unwrap as every account kind (and detect) without a panic, into calls whose
//! data borrows from the input; calldata the target encodes itself with an account's ABI unwraps
//! to exactly the calls it encodes, and its mutations keep the first property.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use sessiongate_fuzz::account::{self, ArbCall, Encoding, Mutation};

/// Valid calldata of random calls, then mutated.
#[derive(Arbitrary, Debug)]
struct Structured {
    encoding: Encoding,
    calls: Vec<ArbCall>,
    mutations: Vec<Mutation>,
}

fuzz_target!(|bytes: &[u8]| {
    // The first byte picks the mode, so raw inputs stay raw and cost nothing to decode.
    let Some((&mode, rest)) = bytes.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        account::check_any(rest);
        return;
    }
    let Ok(input) = Structured::arbitrary_take_rest(Unstructured::new(rest)) else {
        return;
    };
    let calls = account::owned_calls(&input.calls);
    let mut data = account::round_trip(input.encoding, &calls).data;
    account::check_any(&data);
    for mutation in input.mutations.iter().take(4) {
        mutation.apply(&mut data);
        account::check_any(&data);
    }
});
