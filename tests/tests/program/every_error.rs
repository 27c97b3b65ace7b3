//! Every error of the program is asserted by at least one test (issue 23, finding 8): the
//! program's error enum read from its source, each variant looked for in an assertion of the
//! program tests (`tests/`) or of the program's own unit tests (after `#[cfg(test)]`).
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The statement around `at` in `text`: from the `;` before it (or a line ending in a brace: the
/// start of a block) to the `;` after.
fn statement(text: &str, at: usize) -> &str {
    let before = &text[..at];
    let start = [before.rfind(';'), before.rfind("{\n"), before.rfind("}\n")].into_iter().flatten().max().map_or(0, |i| i + 1);
    let end = text[at..].find(';').map_or(text.len(), |i| at + i);
    &text[start..end]
}

#[test]
fn every_program_error_is_asserted_by_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
    let program = root.join("programs/liquid-staking/src");
    let errors = std::fs::read_to_string(program.join("error.rs")).unwrap();
    let variants: Vec<&str> = errors
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with(',') && !l.starts_with("//") && !l.starts_with('#'))
        .map(|l| l.trim_end_matches(','))
        .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect();
    assert!(variants.len() > 60, "the error enum was read ({} variants)", variants.len());

    let mut sources = Vec::new();
    let mut files = Vec::new();
    rust_files(&root.join("tests/tests"), &mut files);
    rust_files(&root.join("tests/src"), &mut files);
    for file in &files {
        sources.push(std::fs::read_to_string(file).unwrap());
    }
    let mut program_files = Vec::new();
    rust_files(&program, &mut program_files);
    for file in program_files {
        let text = std::fs::read_to_string(file).unwrap();
        if let Some(at) = text.find("#[cfg(test)]") {
            sources.push(text[at..].to_string());
        }
    }
    let asserted = |variant: &str| {
        sources.iter().any(|text| {
            [format!("E::{variant}"), format!("LiquidStakingError::{variant}")].iter().any(|needle| {
                text.match_indices(needle.as_str()).any(|(at, _)| {
                    let after = text[at + needle.len()..].chars().next();
                    let whole_word = !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                    let s = statement(text, at);
                    whole_word && (s.contains("assert") || s.contains("Err(") || s.contains("fails_with"))
                })
            })
        })
    };
    let missing: Vec<&&str> = variants.iter().filter(|v| !asserted(v)).collect();
    assert!(missing.is_empty(), "errors no test asserts: {missing:?}");
}
