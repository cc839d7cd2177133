//! The engine's one integration-test binary. Each module tests one part of
//! the workflow through the public API, on real files from `fixtures/` and
//! real SQLite files in temporary folders.

mod agreement;
mod blind;
mod demo;
mod exchange;
mod export;
mod import;
mod merge;
mod project;
mod search;

use std::path::{Path, PathBuf};

/// A file of the repository's `fixtures/` folder.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(relative)
}

/// Copies a fixture into `dir` so a test can open (and migrate) it freely.
pub fn copy_fixture(relative: &str, dir: &Path) -> PathBuf {
    let from = fixture(relative);
    let to = dir.join(from.file_name().expect("fixture has a file name"));
    std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    to
}
