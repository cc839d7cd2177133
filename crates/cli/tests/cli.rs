//! The `accord` command, run as a user runs it.

mod common;
use common::{accord, fixture, stderr, stdout};

#[test]
fn new_then_info_as_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("study.accord");
    let file_arg = file.to_str().unwrap();
    let o = accord(&["new", file_arg]);
    assert!(o.status.success(), "accord new succeeds: {}", stderr(&o));

    let o = accord(&["info", file_arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let version = format!("format version  {}", accord_engine::SCHEMA_VERSION);
    assert!(
        text.contains(&version),
        "info prints the schema version: {text}"
    );
    assert!(
        text.contains("sources         0"),
        "a new project has no sources: {text}"
    );

    let o = accord(&["info", file_arg, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--json prints JSON");
    assert_eq!(json["name"], "study");
    assert_eq!(json["schema_version"], accord_engine::SCHEMA_VERSION);
    for key in ["sources", "cases", "coders", "codes", "codings"] {
        assert_eq!(json[key], 0, "{key} is counted and zero in a new project");
    }
}

#[test]
fn new_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.accord");
    std::fs::write(&file, "precious").unwrap();
    let o = accord(&["new", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
}

#[test]
fn info_refuses_foreign_and_newer_files_without_changing_them() {
    for (file, says) in [
        ("not-sqlite.accord", "is not an Accord project"),
        ("other-program.accord", "written by another program"),
        ("newer-version.accord", "newer version of Accord"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join(file);
        std::fs::copy(fixture(&format!("schema/{file}")), &copy).unwrap();
        let before = std::fs::read(&copy).unwrap();
        let o = accord(&["info", copy.to_str().unwrap()]);
        assert!(!o.status.success(), "{file}: accord info must fail");
        let err = stderr(&o);
        assert!(err.contains(says), "{file}: the message explains: {err}");
        assert!(
            err.contains(file),
            "{file}: the message names the file: {err}"
        );
        assert_eq!(
            std::fs::read(&copy).unwrap(),
            before,
            "{file}: bytes unchanged"
        );
    }
}
