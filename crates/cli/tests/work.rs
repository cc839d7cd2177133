//! The everyday commands (import, sources, cases, search, demo, coder, code,
//! codings, phase, merge, agreement), run as a user runs them.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::{accord, json, ok};

fn fixture(relative: &str) -> String {
    common::fixture(relative).to_string_lossy().into_owned()
}

fn project(dir: &Path, name: &str) -> String {
    let p = dir.join(name).to_string_lossy().into_owned();
    ok(&["new", &p]);
    p
}

#[test]
fn import_sources_cases_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "study.accord");
    let out = ok(&[
        "import",
        &p,
        &fixture("demo/surveys/mentor-end-of-program.csv"),
        "--attr",
        "role=mentor",
    ]);
    assert!(out.contains("mentor-end-of-program.csv"), "{out}");
    ok(&[
        "import",
        &p,
        &fixture("demo/focus-group/focus-group.vtt"),
        "--moderator",
        "Rachel Goldberg",
        "--moderator",
        "Tomás Ibarra",
    ]);

    let sources = json(&["sources", &p, "--json"]);
    let sources = sources.as_array().expect("a list of sources");
    assert!(sources.len() >= 4);
    for s in sources {
        for key in ["id", "kind", "title", "length", "units", "cases"] {
            assert!(!s[key].is_null(), "sources --json has {key}: {s}");
        }
    }
    let fg = sources.iter().find(|s| s["kind"] == "transcript").unwrap();
    assert_eq!(fg["units"], 324);
    assert_eq!(fg["cases"], 8);
    assert_eq!(fg["length"], 44_344, "length in code points");
    let text = ok(&["sources", &p]);
    assert!(
        text.contains("transcript") && text.contains("focus-group"),
        "{text}"
    );

    let cases = json(&["cases", &p, "--json"]);
    let cases = cases.as_array().unwrap();
    let mr01 = cases.iter().find(|c| c["name"] == "MR-01").unwrap();
    assert_eq!(mr01["attributes"]["role"], "mentor");
    let rachel = cases
        .iter()
        .find(|c| c["name"] == "Rachel Goldberg")
        .unwrap();
    assert_eq!(rachel["role"], "moderator");
    assert!(rachel["attributes"].get("role").is_none());

    let hits = json(&["search", &p, "\"time zone\" OR sponsorship", "--json"]);
    assert!(hits["units"].as_u64().unwrap() > 0, "{hits}");
    let first = &hits["hits"][0];
    for key in [
        "source_id",
        "source_title",
        "snippet",
        "matches",
        "unit_start",
    ] {
        assert!(!first[key].is_null(), "a hit has {key}");
    }
    let mentors = json(&["search", &p, "mentee", "--attr", "role=mentor", "--json"]);
    assert!(
        mentors["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["case_name"]
                .as_str()
                .unwrap_or("")
                .to_uppercase()
                .starts_with("MR-")),
        "{mentors}"
    );

    // A failing file: non-zero exit, the message names the file and line;
    // the good file of the same batch is imported.
    let before = json(&["info", &p, "--json"]);
    let o = accord(&[
        "import",
        &p,
        &fixture("malformed/bad-quoting.csv"),
        &fixture("demo/interviews/interview-mentor-MR-03.md"),
    ]);
    assert!(!o.status.success(), "a failed file fails the command");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        all.contains("bad-quoting.csv") && all.contains("line 3"),
        "{all}"
    );
    let after = json(&["info", &p, "--json"]);
    assert_eq!(
        after["sources"].as_i64().unwrap(),
        before["sources"].as_i64().unwrap() + 1,
        "the interview notes were imported"
    );
    // Again: a duplicate, reported.
    let out = ok(&[
        "import",
        &p,
        &fixture("demo/interviews/interview-mentor-MR-03.md"),
    ]);
    assert!(
        out.contains("duplicate") || out.contains("already imported"),
        "{out}"
    );
}

/// A project with one source holding emoji and CJK, two coders and a code,
/// in independent coding.
fn coding_project(dir: &Path) -> String {
    let p = project(dir, "coding.accord");
    let text = dir.join("notes.txt");
    // Code points: "Zoë 👍🏽 said 王芳 was great." — 👍🏽 is two code points
    // (four UTF-16 units), 王芳 two.
    std::fs::write(&text, "Zoë 👍🏽 said 王芳 was great.\nSecond line here.\n").unwrap();
    ok(&["import", &p, &text.to_string_lossy()]);
    ok(&["coder", "add", &p, "Amara"]);
    ok(&["coder", "add", &p, "Jonas"]);
    let book = dir.join("codebook.csv");
    std::fs::write(
        &book,
        "name,description\nPraise,Positive words\nPeople,Names\n",
    )
    .unwrap();
    ok(&["codebook", "import", &p, &book.to_string_lossy()]);
    ok(&["phase", &p, "independent"]);
    p
}

#[test]
fn coding_in_code_points_and_blind_listing() {
    let dir = tempfile::tempdir().unwrap();
    let p = coding_project(dir.path());
    // "王芳" is code points 12..14: Z o ë _ 👍 🏽 _ s a i d _ 王 芳.
    let out = json(&[
        "code", &p, "--as", "Amara", "--source", "1", "--start", "12", "--end", "14", "--code",
        "People", "--json",
    ]);
    assert!(out.to_string().contains("12"), "{out}");
    ok(&[
        "code", &p, "--as", "Amara", "--source", "1", "--start", "19", "--end", "24", "--code",
        "Praise", "--memo", "warm",
    ]);
    ok(&[
        "code", &p, "--as", "Jonas", "--source", "1", "--start", "4", "--end", "6", "--code",
        "Praise",
    ]);

    let amara = json(&["codings", &p, "--as", "Amara", "--json"]);
    let rows = amara.as_array().unwrap();
    assert_eq!(rows.len(), 2, "Amara sees her two codings only: {amara}");
    let people = rows.iter().find(|r| r["code"] == "People").unwrap();
    assert_eq!(
        (people["start"].as_i64(), people["end"].as_i64()),
        (Some(12), Some(14))
    );
    assert_eq!(people["text"], "王芳");
    let praise = rows.iter().find(|r| r["code"] == "Praise").unwrap();
    assert_eq!(praise["text"], "great");
    assert_eq!(praise["memo"], "warm");
    let jonas = json(&["codings", &p, "--as", "Jonas", "--json"]);
    assert_eq!(jonas.as_array().unwrap().len(), 1);
    assert_eq!(
        jonas[0]["text"], "👍🏽",
        "two code points, the emoji and its skin tone"
    );

    // Without --as during independent coding: refused.
    let o = accord(&["codings", &p]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--as"), "{err}");
    // Offsets outside the text are refused.
    let o = accord(&[
        "code", &p, "--as", "Amara", "--source", "1", "--start", "10", "--end", "999", "--code",
        "Praise",
    ]);
    assert!(!o.status.success());
    // Comparing is refused while coding is blind.
    let o = accord(&["agreement", &p]);
    assert!(!o.status.success());

    ok(&["phase", &p, "reconciliation"]);
    let report = json(&["agreement", &p, "--unit", "character", "--json"]);
    let codes = report["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 2);
    for key in ["pooled", "mean_kappa", "segments", "units", "coders"] {
        assert!(!report[key].is_null(), "the report has {key}: {report}");
    }
    assert!(report["pooled"]["kappa"].is_object());
    assert!(codes[0]["segments"]["matched"].is_number());
    assert_eq!(report["options"]["unit"], "character");

    let out = dir.path().join("report.md");
    ok(&[
        "agreement",
        &p,
        "--unit",
        "unit",
        "--out",
        &out.to_string_lossy(),
    ]);
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(
        md.contains("Cohen's kappa") && md.contains("Praise"),
        "{md}"
    );
    // After independent coding, codings without --as lists the consensus.
    ok(&["codings", &p]);
}

#[test]
fn merge_a_coders_copy() {
    let dir = tempfile::tempdir().unwrap();
    let p = coding_project(dir.path());
    let copy = dir.path().join("jonas.accord");
    std::fs::copy(&p, &copy).unwrap();
    let copy = copy.to_string_lossy().into_owned();
    ok(&[
        "code", &copy, "--as", "Jonas", "--source", "1", "--start", "0", "--end", "3", "--code",
        "People",
    ]);
    ok(&[
        "code", &p, "--as", "Amara", "--source", "1", "--start", "0", "--end", "3", "--code",
        "People",
    ]);
    let out = ok(&["merge", &p, &copy]);
    assert!(out.contains("Jonas: 1 codings added"), "{out}");
    let again = ok(&["merge", &p, &copy, "--json"]);
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again["coders"][0]["added"], 0);
    assert_eq!(again["coders"][0]["present"], 1);
    let jonas = json(&["codings", &p, "--as", "Jonas", "--json"]);
    assert_eq!(jonas.as_array().unwrap().len(), 1);
    assert_eq!(jonas[0]["text"], "Zoë");
    let amara = json(&["codings", &p, "--as", "Amara", "--json"]);
    assert_eq!(amara.as_array().unwrap().len(), 1);

    // A copy of something else is refused with a message; nothing changes.
    let other = project(dir.path(), "other.accord");
    ok(&["import", &other, &fixture("malformed/crlf.txt")]);
    let o = accord(&["merge", &p, &other]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("nothing was merged"), "{err}");
}

#[test]
fn demo_builds_the_study() {
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("demo.accord");
    let f = file.to_string_lossy();
    let out = ok(&["demo", &f]);
    assert!(out.contains("14 sources"), "{out}");
    let info = json(&["info", &f, "--json"]);
    assert_eq!(info["sources"], 14);
    assert_eq!(info["cases"], 66);
    assert_eq!(info["coders"], 2);
    assert_eq!(info["codes"], 21);
    assert_eq!(info["codings"], 486);
    assert_eq!(info["phase"], "reconciliation");
    let report = json(&["agreement", &f, "--json"]);
    assert!(report["codes"].as_array().unwrap().len() > 10);
    let with = json(&["agreement", &f, "--consensus", "--json"]);
    assert!(with.is_array() || with.is_object());
    // Not over an existing file.
    let o = accord(&["demo", &f]);
    assert!(!o.status.success());

    // Output piped into a reader that stops early (`| head -1`) ends accord
    // quietly instead of a "failed printing to stdout" panic. The listing
    // is larger than a pipe's buffer, so accord must meet the closed pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["cases", &f])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        ok(&["cases", &f]).len() > 64 * 1024,
        "more than a pipe holds (64 KiB on Linux)"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?} {err}", out.status);
    assert!(!err.contains("panicked"), "{err}");
}
