//! `accord qdpx …` and `accord qdc …`, run as a user runs them.

mod common;
use common::{accord, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample(name: &str) -> String {
    repo()
        .join("fixtures/refi-qda/samples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Runs the REFI-QDA validator (made by `scripts/setup`) on a file.
fn validate(file: &Path) {
    let python = repo().join(".venv/bin/python");
    assert!(
        python.exists(),
        "the REFI-QDA validator needs {}; run scripts/setup (it creates .venv with xmlschema)",
        python.display()
    );
    let out = Command::new(python)
        .arg(repo().join("fixtures/refi-qda/schema/validate.py"))
        .arg(file)
        .output()
        .expect("the validator runs");
    assert!(
        out.status.success(),
        "the exported file validates: {}",
        stdout(&out)
    );
}

#[test]
fn a_qdpx_of_another_program_imports_into_a_new_project_and_exports_again() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("nvivo.accord");
    let p = project.to_str().unwrap();
    let o = accord(&["qdpx", "import", &sample("cproctor_nvivo_project.qdpx"), p]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains(&format!("created {p}")), "{text}");
    assert!(
        text.contains("written by      NVivo for Mac 15.0.0"),
        "{text}"
    );
    assert!(
        text.contains("imported        2 sources, 262 codes, 2 coders"),
        "{text}"
    );

    let o = accord(&["info", p]);
    assert!(stdout(&o).contains("codes           262"), "{}", stdout(&o));

    let out = dir.path().join("again.qdpx");
    let o = accord(&["qdpx", "export", p, out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("exported to"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("not carried:"),
        "the report lists what the format cannot hold: {}",
        stdout(&o)
    );
    validate(&out);
}

#[test]
fn the_report_names_what_was_not_carried() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("maxqda.accord");
    let o = accord(&[
        "qdpx",
        "import",
        &sample("bedingjd_project.qde"),
        project.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("not carried:\n  - 10 sources: their text is not in the file"),
        "{text}"
    );
    assert!(text.contains("2 sets"), "{text}");
    assert!(text.contains("warnings:"), "{text}");
}

#[test]
fn codebooks_export_and_import_with_json_reports() {
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("atlas.accord");
    let o = accord(&[
        "qdpx",
        "import",
        &sample("ponte_target-atlas-project.qdpx"),
        from.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let qdc = dir.path().join("codes.qdc");
    let o = accord(&[
        "qdc",
        "export",
        from.to_str().unwrap(),
        qdc.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--json prints JSON");
    assert_eq!(report["action"], "export_qdc");
    assert_eq!(report["written"]["codes"], 3);
    validate(&qdc);

    let to = dir.path().join("new.accord");
    assert!(accord(&["new", to.to_str().unwrap()]).status.success());
    let o = accord(&["qdc", "import", to.to_str().unwrap(), qdc.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("added           3 codes"),
        "{}",
        stdout(&o)
    );
    let o = accord(&["qdc", "import", to.to_str().unwrap(), qdc.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("updated         3 codes"),
        "importing again updates: {}",
        stdout(&o)
    );
}

#[test]
fn refusals_are_explained_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("keep.accord");
    std::fs::write(&existing, "precious").unwrap();
    let o = accord(&[
        "qdpx",
        "import",
        &sample("ponte_target-atlas-project.qdpx"),
        existing.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");

    let evil = dir.path().join("evil.qde");
    std::fs::write(
        &evil,
        r#"<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>"#,
    )
    .unwrap();
    let target = dir.path().join("evil.accord");
    let o = accord(&[
        "qdpx",
        "import",
        evil.to_str().unwrap(),
        target.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("DOCTYPE"), "{}", stderr(&o));
    assert!(!target.exists(), "no project is left behind");
}

/// Issue 7, "Done when": exports of the demo study validate — the project
/// as .qdpx and its codebook as .qdc — and the report names what REFI-QDA
/// cannot hold.
#[test]
fn exports_of_the_demo_study_validate() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.accord");
    let o = accord(&["demo", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    let qdpx = dir.path().join("demo.qdpx");
    let o = accord(&[
        "qdpx",
        "export",
        demo.to_str().unwrap(),
        qdpx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("14 sources") && text.contains("2 coders") && text.contains("486 codings"),
        "the report counts the demo's sources, coders and codings: {text}"
    );
    assert!(
        text.contains("10 themes"),
        "themes cannot travel in REFI-QDA and the report says so: {text}"
    );
    validate(&qdpx);

    let qdc = dir.path().join("demo.qdc");
    let o = accord(&[
        "qdc",
        "export",
        demo.to_str().unwrap(),
        qdc.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    validate(&qdc);
}
