//! What the CLI test files share: running the built `accord` binary as a
//! user does, and reading its output.
#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .output()
        .expect("the accord binary runs")
}

/// Runs accord and returns its standard output, failing the test (with
/// both outputs) if accord fails.
pub fn ok(args: &[&str]) -> String {
    let o = accord(args);
    assert!(
        o.status.success(),
        "accord {args:?} fails: {}{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Runs accord and parses its standard output as JSON.
pub fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(args)).unwrap_or_else(|e| panic!("accord {args:?} prints JSON: {e}"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(relative)
}
