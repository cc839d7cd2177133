//! The recent-projects list, a small JSON file in the app's data folder.
//! It is a convenience: a missing or unreadable list is treated as empty.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const LIMIT: usize = 10;

/// One project the user opened before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
pub struct RecentProject {
    /// The project file.
    pub path: String,
    /// Its name (file name without extension).
    pub name: String,
    /// When it was last opened (RFC 3339).
    pub opened_at: String,
    /// Whether the file still exists.
    #[serde(default)]
    pub exists: bool,
}

fn list_file(data_dir: &Path) -> PathBuf {
    data_dir.join("recent-projects.json")
}

/// The recent projects, newest first, with `exists` filled in.
pub fn load(data_dir: &Path) -> Vec<RecentProject> {
    let mut list: Vec<RecentProject> = std::fs::read(list_file(data_dir))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    for p in &mut list {
        p.exists = Path::new(&p.path).is_file();
    }
    list
}

/// Puts `path` at the top of the list.
pub fn remember(data_dir: &Path, path: &Path, name: &str, opened_at: &str) {
    let path_text = path.to_string_lossy().into_owned();
    let mut list = load(data_dir);
    list.retain(|p| p.path != path_text);
    list.insert(
        0,
        RecentProject {
            path: path_text,
            name: name.to_owned(),
            opened_at: opened_at.to_owned(),
            exists: true,
        },
    );
    list.truncate(LIMIT);
    save(data_dir, &list);
}

/// Removes `path` from the list.
pub fn forget(data_dir: &Path, path: &str) {
    let mut list = load(data_dir);
    list.retain(|p| p.path != path);
    save(data_dir, &list);
}

fn save(data_dir: &Path, list: &[RecentProject]) {
    if std::fs::create_dir_all(data_dir).is_err() {
        return;
    }
    if let Ok(json) = serde_json::to_vec_pretty(list) {
        // Write then rename, so a crash never leaves half a list.
        let tmp = list_file(data_dir).with_extension("json.tmp");
        if std::fs::write(&tmp, json).is_ok() {
            let _ = std::fs::rename(tmp, list_file(data_dir));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.accord");
        let b = dir.path().join("b.accord");
        std::fs::write(&a, b"").unwrap();
        remember(dir.path(), &a, "a", "2026-01-01T00:00:00Z");
        remember(dir.path(), &b, "b", "2026-01-02T00:00:00Z");
        remember(dir.path(), &a, "a", "2026-01-03T00:00:00Z");
        let list = load(dir.path());
        let names: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["a", "b"],
            "reopening moves a project to the top, once"
        );
        assert!(list[0].exists);
        assert!(
            !list[1].exists,
            "b was never created on disk, so it is marked missing"
        );
    }
}
