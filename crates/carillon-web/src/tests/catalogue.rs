//! Every message id the templates and the code use exists in both languages, and every
//! message in the catalogues is used somewhere.

use std::collections::BTreeSet;
use std::path::Path;

use carillon_i18n::{Catalog, Language};

/// The ids after `t("`, `t1("`, `t2("` (templates) and `Msg("` (code) in every file under `dir`.
fn used_ids(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            used_ids(&path, found);
            continue;
        }
        // This file names the markers without using any message.
        if path.ends_with("tests/catalogue.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for marker in ["t(\"", "t1(\"", "t2(\"", "Msg(\""] {
            for (at, _) in text.match_indices(marker) {
                // `t("` must not be the end of a longer name (`set("`, say).
                let before = text[..at].chars().next_back();
                if marker == "t(\"" && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &text[at + marker.len()..];
                let id = &rest[..rest.find('"').unwrap()];
                found.insert(id.to_owned());
            }
        }
    }
}

#[test]
fn every_used_message_exists_and_every_message_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    used_ids(&root.join("templates"), &mut used);
    used_ids(&root.join("src"), &mut used);
    let catalog = Catalog::load().unwrap();
    for language in [Language::English, Language::French] {
        let defined = catalog.ids(language);
        let missing: Vec<_> = used.difference(&defined).collect();
        assert!(
            missing.is_empty(),
            "used but not in {language}: {missing:?}"
        );
        let unused: Vec<_> = defined.difference(&used).collect();
        assert!(
            unused.is_empty(),
            "in {language} but never used: {unused:?}"
        );
    }
}
