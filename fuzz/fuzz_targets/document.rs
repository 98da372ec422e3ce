//! Property: loading any text as a session returns a session or a `LoadError`, never panics; a
//! document that compiles serializes back to JSON that parses to the same document and compiles.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessiongate::{Session, SessionDocument};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(session) = Session::from_json(text) else {
        return;
    };
    let doc: SessionDocument = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => panic!("the session loaded, but its document does not parse: {e}"),
    };
    let json = match serde_json::to_string(&doc) {
        Ok(json) => json,
        Err(e) => panic!("a loaded document does not serialize: {e}"),
    };
    let again = Session::from_json(&json);
    assert!(again.is_ok(), "reloading {json} failed: {again:?}");
    let reparsed: Result<SessionDocument, _> = serde_json::from_str(&json);
    assert_eq!(
        reparsed.ok().as_ref(),
        Some(&doc),
        "the round trip changed the document"
    );
    assert_eq!(
        again.ok().map(|s| s.action_count()),
        Some(session.action_count())
    );
});
