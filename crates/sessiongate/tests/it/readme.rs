//! Every JSON session shown in the README loads, so what readers copy works.

use sessiongate::Session;

#[test]
fn readme_sessions_load() {
    let readme = include_str!("../../../../README.md");
    let blocks: Vec<&str> = readme
        .split("```json\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect();
    assert!(blocks.len() >= 3, "only {} JSON blocks", blocks.len());
    for block in blocks {
        if let Err(e) = Session::from_json(block) {
            panic!("{e}\nin:\n{block}");
        }
    }
}
