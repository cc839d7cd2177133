//! Creating, opening, refusing and migrating project files.

use accord_engine::{Project, SCHEMA_VERSION};

use crate::copy_fixture;

#[test]
fn every_earlier_schema_version_opens_and_migrates() {
    // fixtures/schema/v<N>.accord holds a project of every released schema
    // version below the current one, made by the Accord of that version.
    for version in 1..SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_fixture(&format!("schema/v{version}.accord"), dir.path());
        let project = Project::open(&path)
            .unwrap_or_else(|e| panic!("v{version} fixture must open and migrate: {e}"));
        let info = project.info().unwrap();
        assert_eq!(
            info.schema_version, SCHEMA_VERSION,
            "v{version} is migrated to the current version"
        );
        assert_eq!(
            (
                info.sources,
                info.units,
                info.cases,
                info.coders,
                info.codes,
                info.codings
            ),
            (1, 2, 1, 2, 2, 2),
            "the v{version} fixture's data survives the migration"
        );
        let log = project.audit_log(5).unwrap();
        assert!(
            log.iter().any(|e| e.action == "project.migrate"),
            "the upgrade is recorded in the audit log"
        );
    }
}

#[test]
fn the_current_version_fixture_opens_unchanged_in_content() {
    // The newest fixture is what this version writes; opening it must not
    // need a migration (guards against editing a released migration).
    let dir = tempfile::tempdir().unwrap();
    let path = copy_fixture(&format!("schema/v{SCHEMA_VERSION}.accord"), dir.path());
    let project = Project::open(&path).unwrap();
    assert_eq!(project.info().unwrap().schema_version, SCHEMA_VERSION);
    assert!(
        !project
            .audit_log(5)
            .unwrap()
            .iter()
            .any(|e| e.action == "project.migrate"),
        "a file of the current version is not migrated"
    );
}

#[test]
fn refused_files_are_left_byte_for_byte_unchanged() {
    for (file, kind, says) in [
        (
            "not-sqlite.accord",
            "not_a_project",
            "not an SQLite database",
        ),
        ("other-program.accord", "not_a_project", "another program"),
        (
            "newer-version.accord",
            "newer_version",
            "newer version of Accord",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_fixture(&format!("schema/{file}"), dir.path());
        let before = std::fs::read(&path).unwrap();
        let err = Project::open(&path).unwrap_err();
        assert_eq!(err.kind(), kind, "{file}: {err}");
        let message = err.to_string();
        assert!(
            message.contains(says),
            "{file}: the message explains why: {message}"
        );
        assert!(
            message.contains(file),
            "{file}: the message names the file: {message}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "{file} must not be modified"
        );
        let siblings: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            siblings.len(),
            1,
            "{file}: no -wal/-shm or index is left beside it: {siblings:?}"
        );
    }
}

#[test]
fn an_empty_file_is_not_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.accord");
    std::fs::write(&path, b"").unwrap();
    let err = Project::open(&path).unwrap_err();
    assert_eq!(err.kind(), "not_a_project");
    assert!(err.to_string().contains("empty"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"", "still empty");
}

#[test]
fn a_new_project_uses_wal_and_foreign_keys_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.accord");
    drop(Project::create(&path).unwrap());
    let project = Project::open(&path).unwrap();
    let info = project.info().unwrap();
    assert_eq!(info.name, "study");
    assert_eq!(info.sources, 0);
    assert_eq!(
        info.phase,
        accord_engine::Phase::Setup,
        "a new project starts in setup"
    );
}
