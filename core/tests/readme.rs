//! The README's account of the link parameters follows the one list the widget and the
//! collector use (`survey_core::context::LINK_PARAMS`): it once said `ro` and `visit`
//! were stored under their own names (issue 13 item 21).

use survey_core::context::LINK_PARAMS;

const README: &str = include_str!("../../README.md");

#[test]
fn the_readme_names_every_link_parameter_and_its_context_key() {
    // The paragraph that starts "The link's parameters become the response's `context`",
    // with its line breaks undone.
    let start = README
        .find("The link's parameters become")
        .expect("README: the link parameters paragraph");
    let paragraph: String = README[start..]
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for (param, key) in LINK_PARAMS {
        let mapped = format!("`{param}` → `{key}`");
        let same = param == key && paragraph.contains(&format!("`{param}`"));
        assert!(
            paragraph.contains(&mapped) || same,
            "README: the link parameter `{param}` must be documented as {mapped}:\n{paragraph}"
        );
    }
}
