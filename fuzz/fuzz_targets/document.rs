//! Property: loading any text as a session returns a session or a `LoadError`, never panics; a
//! document that compiles serializes back, in its own format's shape, to JSON that parses to the
//! same document and compiles to a session with as many actions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::{Serialize, de::DeserializeOwned};
use sessiongate::formats::biconomy::document::{AbiSvmDocument, Erc20SvmDocument};
use sessiongate::formats::smart_sessions::document::{OnChainSession, SdkSession};
use sessiongate::formats::thirdweb::SessionSpec;
use sessiongate::{Session, SessionDocument};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(session) = Session::from_json(text) else {
        return;
    };
    let format = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("format").and_then(|f| f.as_str()).map(String::from));
    match format.as_deref() {
        None | Some("sessiongate") => round_trip::<SessionDocument>(text, &session),
        Some("smart-sessions") => round_trip::<SdkSession>(text, &session),
        Some("smart-sessions-onchain") => round_trip::<OnChainSession>(text, &session),
        Some("thirdweb") => round_trip::<SessionSpec>(text, &session),
        Some("biconomy-abi-svm") => round_trip::<AbiSvmDocument>(text, &session),
        Some("biconomy-erc20-svm") => round_trip::<Erc20SvmDocument>(text, &session),
        Some(other) => panic!("a session of unknown format `{other}` loaded"),
    }
});

/// The loaded text parses as `T`, serializes, parses back equal, and reloads alike.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    text: &str,
    session: &Session,
) {
    let doc: T = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => panic!("the session loaded, but its document does not parse: {e}"),
    };
    let json = match serde_json::to_string(&doc) {
        Ok(json) => json,
        Err(e) => panic!("a loaded document does not serialize: {e}"),
    };
    let again = Session::from_json(&json);
    assert!(again.is_ok(), "reloading {json} failed: {again:?}");
    let reparsed: Result<T, _> = serde_json::from_str(&json);
    assert_eq!(
        reparsed.ok().as_ref(),
        Some(&doc),
        "the round trip changed the document"
    );
    assert_eq!(
        again.ok().map(|s| s.action_count()),
        Some(session.action_count())
    );
}
