//! Reading exchange files that may be hostile.
//!
//! A `.qdpx` is a zip archive from another program, another machine or a
//! stranger's e-mail. Before anything is decompressed, the archive's
//! directory is checked: the number of entries, every entry's name (no
//! `..`, no absolute paths, no drive letters) and the declared sizes, per
//! entry and in total. Declared sizes can lie (a "zip bomb" declares a few
//! bytes and inflates to gigabytes), so every entry is also read through a
//! reader that counts the bytes actually produced and stops one byte past
//! the limit. Any violation refuses the whole file with a clear message;
//! nothing is read into the project.
//!
//! Accord never unpacks an archive to disk: entries are read into memory,
//! so a name is only ever a key, but a file with an escaping name is still
//! refused, because it was made to attack some other program.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::{Error, Result};

/// How much an exchange file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Entries in the archive.
    pub max_entries: usize,
    /// Uncompressed bytes of one entry (and of a bare `.qde` or `.qdc`).
    pub max_entry_bytes: u64,
    /// Uncompressed bytes of all entries together.
    pub max_total_bytes: u64,
}

/// The limits every import applies: 10,000 entries, 200 MB per entry, 1 GB in all.
pub(crate) const LIMITS: Limits = Limits {
    max_entries: 10_000,
    max_entry_bytes: 200 * 1024 * 1024,
    max_total_bytes: 1024 * 1024 * 1024,
};

/// Megabytes, for messages.
fn mb(bytes: u64) -> String {
    format!("{} MB", bytes / (1024 * 1024))
}

/// One entry of the archive's directory.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    index: usize,
    /// The name with `/` separators, as stored.
    pub name: String,
    /// The uncompressed size the archive declares.
    pub declared: u64,
    /// Whether it is a folder entry.
    pub is_dir: bool,
}

/// An opened, checked archive. Entries are read one at a time, within the limits.
pub(crate) struct Archive {
    zip: zip::ZipArchive<File>,
    entries: Vec<Entry>,
    limits: Limits,
    /// Bytes still allowed to be decompressed over all entries.
    budget: u64,
    /// The file name as the user gave it, for messages.
    label: String,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("label", &self.label)
            .finish()
    }
}

/// Why an entry name is refused, or `None` when it is safe.
pub(crate) fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.contains('\0') {
        return Some("contains a NUL character");
    }
    let unified = name.replace('\\', "/");
    if unified.starts_with('/') {
        return Some("is an absolute path");
    }
    let bytes = unified.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Some("starts with a drive letter");
    }
    if unified.contains(':') {
        return Some("contains a colon (a drive letter or a Windows stream name)");
    }
    if unified.split('/').any(|part| part == "..") {
        return Some("climbs out of the archive's folder with \"..\"");
    }
    None
}

impl Archive {
    /// Opens `path` and checks its directory against `limits` before any
    /// entry is decompressed.
    pub(crate) fn open(path: &Path, label: &str, limits: Limits) -> Result<Archive> {
        let refuse = |message: String| Error::import(label, "", message);
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut zip = zip::ZipArchive::new(file).map_err(|e| {
            refuse(format!(
                "the file is not a readable zip archive ({e}); a .qdpx file is a zip archive holding project.qde"
            ))
        })?;
        if zip.len() > limits.max_entries {
            return Err(refuse(format!(
                "the archive holds {} entries, more than the {} Accord accepts; the file was refused",
                zip.len(),
                limits.max_entries
            )));
        }
        let mut entries = Vec::with_capacity(zip.len());
        let mut declared_total: u64 = 0;
        for index in 0..zip.len() {
            let raw = zip.by_index_raw(index).map_err(|e| {
                refuse(format!(
                    "entry {} of the archive cannot be read ({e})",
                    index + 1
                ))
            })?;
            let name = String::from_utf8_lossy(raw.name_raw()).into_owned();
            if let Some(why) = unsafe_name(&name) {
                return Err(Error::import(
                    label,
                    format!("entry \"{}\"", name.escape_debug()),
                    format!("the entry's name {why}; the file was refused as unsafe"),
                ));
            }
            let declared = raw.size();
            if declared > limits.max_entry_bytes {
                return Err(Error::import(
                    label,
                    format!("entry \"{name}\""),
                    format!(
                        "the entry declares {} uncompressed, more than the {} Accord accepts per entry; the file was refused",
                        mb(declared),
                        mb(limits.max_entry_bytes)
                    ),
                ));
            }
            declared_total = declared_total.saturating_add(declared);
            if declared_total > limits.max_total_bytes {
                return Err(refuse(format!(
                    "the archive declares more than {} uncompressed in all; the file was refused",
                    mb(limits.max_total_bytes)
                )));
            }
            entries.push(Entry {
                index,
                is_dir: raw.is_dir() || name.ends_with('/'),
                name: name.replace('\\', "/"),
                declared,
            });
        }
        Ok(Archive {
            zip,
            entries,
            limits,
            budget: limits.max_total_bytes,
            label: label.to_owned(),
        })
    }

    /// Every entry, in archive order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry named exactly `name`, or else the one whose name matches
    /// ignoring case (zip names are case-sensitive, some programs are not).
    pub(crate) fn find(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name).or_else(|| {
            self.entries
                .iter()
                .find(|e| e.name.eq_ignore_ascii_case(name))
        })
    }

    /// Decompresses one entry, counting the bytes actually produced.
    pub(crate) fn read(&mut self, entry: &Entry) -> Result<Vec<u8>> {
        let limit = self.limits.max_entry_bytes.min(self.budget);
        let label = self.label.clone();
        let place = format!("entry \"{}\"", entry.name);
        let file = self.zip.by_index(entry.index).map_err(|e| {
            Error::import(&label, &place, format!("the entry cannot be read ({e})"))
        })?;
        let mut bytes =
            Vec::with_capacity(entry.declared.min(limit).min(64 * 1024 * 1024) as usize);
        // One byte past the limit tells "exactly at the limit" from "over it"
        // without inflating more than that.
        let read = file.take(limit.saturating_add(1)).read_to_end(&mut bytes);
        let over = bytes.len() as u64 > limit;
        if over {
            let message = if limit < self.limits.max_entry_bytes {
                format!(
                    "the archive's entries inflate to more than {} in all (more than they declare); the file was refused as a zip bomb",
                    mb(self.limits.max_total_bytes)
                )
            } else {
                format!(
                    "the entry inflates to more than {} (it declares {} bytes); the file was refused as a zip bomb",
                    mb(self.limits.max_entry_bytes),
                    entry.declared
                )
            };
            return Err(Error::import(label, place, message));
        }
        if let Err(e) = read {
            // The zip reader itself stops an entry at its declared size (and
            // says so); an entry holding more than it declares is what a zip
            // bomb is. The counting above guards the case where it does not.
            let over_declared =
                e.kind() == std::io::ErrorKind::InvalidData && e.to_string().contains("declared");
            let message = if over_declared {
                format!(
                    "the entry inflates to more than the {} bytes it declares; the file was refused as a zip bomb",
                    entry.declared
                )
            } else {
                format!("the entry is damaged ({e})")
            };
            return Err(Error::import(label, place, message));
        }
        self.budget -= bytes.len() as u64;
        Ok(bytes)
    }
}

/// Reads a whole plain file (a bare `.qde` or a `.qdc`) within the per-entry limit.
pub(crate) fn read_file(path: &Path, label: &str, limits: Limits) -> Result<Vec<u8>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limits.max_entry_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limits.max_entry_bytes {
        return Err(Error::import(
            label,
            "",
            format!(
                "the file is larger than the {} Accord accepts; it was refused",
                mb(limits.max_entry_bytes)
            ),
        ));
    }
    Ok(bytes)
}

/// Whether `path` starts like a zip archive.
pub(crate) fn looks_like_zip(path: &Path) -> Result<bool> {
    let mut head = [0u8; 4];
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut got = 0;
    while got < head.len() {
        match file
            .read(&mut head[got..])
            .map_err(|e| Error::io(path, e))?
        {
            0 => break,
            n => got += n,
        }
    }
    Ok(got == 4 && (head == *b"PK\x03\x04" || head == *b"PK\x05\x06"))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn small() -> Limits {
        Limits {
            max_entries: 5,
            max_entry_bytes: 1000,
            max_total_bytes: 2500,
        }
    }

    fn zip_with(dir: &Path, entries: &[(&str, Vec<u8>)]) -> std::path::PathBuf {
        let path = dir.join("t.qdpx");
        let mut w = zip::ZipWriter::new(File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            w.start_file(*name, options).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
        path
    }

    /// Rewrites the declared uncompressed size of every entry (local header
    /// and central directory), as a zip bomb does.
    fn lie_about_sizes(path: &Path, declared: u32) {
        let mut bytes = std::fs::read(path).unwrap();
        let mut i = 0;
        while i + 4 <= bytes.len() {
            let sig = &bytes[i..i + 4];
            if sig == b"PK\x03\x04" {
                bytes[i + 22..i + 26].copy_from_slice(&declared.to_le_bytes());
            } else if sig == b"PK\x01\x02" {
                bytes[i + 24..i + 28].copy_from_slice(&declared.to_le_bytes());
            }
            i += 1;
        }
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn names_that_escape_are_recognised() {
        for bad in [
            "../x",
            "sources/../../x",
            "/etc/passwd",
            "C:/x",
            "c:\\x",
            "..\\x",
            "a\0b",
            "sources/a:b",
        ] {
            assert!(unsafe_name(bad).is_some(), "{bad:?} must be refused");
        }
        for good in [
            "project.qde",
            "sources/abc.txt",
            "Sources/.root",
            "accord/extra.json",
            "a..b.txt",
        ] {
            assert!(unsafe_name(good).is_none(), "{good:?} is harmless");
        }
    }

    #[test]
    fn entries_within_limits_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = zip_with(
            dir.path(),
            &[
                ("project.qde", b"<x/>".to_vec()),
                ("sources/a.txt", vec![b'a'; 1000]),
            ],
        );
        let mut archive = Archive::open(&path, "t.qdpx", small()).unwrap();
        let entry = archive
            .find("SOURCES/A.TXT")
            .cloned()
            .expect("found ignoring case");
        assert_eq!(
            archive.read(&entry).unwrap().len(),
            1000,
            "exactly at the limit is allowed"
        );
    }

    #[test]
    fn too_many_entries_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let entries: Vec<(String, Vec<u8>)> = (0..6).map(|i| (format!("f{i}"), vec![])).collect();
        let refs: Vec<(&str, Vec<u8>)> = entries
            .iter()
            .map(|(n, b)| (n.as_str(), b.clone()))
            .collect();
        let path = zip_with(dir.path(), &refs);
        let err = Archive::open(&path, "t.qdpx", small()).unwrap_err();
        assert!(err.to_string().contains("6 entries"), "{err}");
    }

    #[test]
    fn a_lying_entry_is_stopped_by_the_bytes_it_inflates_to() {
        let dir = tempfile::tempdir().unwrap();
        let path = zip_with(dir.path(), &[("sources/bomb.txt", vec![0u8; 50_000])]);
        lie_about_sizes(&path, 10);
        let mut archive =
            Archive::open(&path, "t.qdpx", small()).expect("the declared size passes");
        let entry = archive.entries()[0].clone();
        let err = archive.read(&entry).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("zip bomb") && text.contains("10 bytes"),
            "an entry inflating past its declared size is refused by the bytes counted: {text}"
        );
    }

    #[test]
    fn the_total_actually_inflated_is_limited() {
        let dir = tempfile::tempdir().unwrap();
        let path = zip_with(
            dir.path(),
            &[
                ("a", vec![1u8; 900]),
                ("b", vec![2u8; 900]),
                ("c", vec![3u8; 900]),
            ],
        );
        let mut archive = Archive::open(
            &path,
            "t.qdpx",
            Limits {
                max_total_bytes: 100_000,
                ..small()
            },
        )
        .unwrap();
        // Spend the budget as if the directory had declared less than it holds.
        archive.budget = 2000;
        let entries = archive.entries().to_vec();
        archive.read(&entries[0]).unwrap();
        archive.read(&entries[1]).unwrap();
        let err = archive.read(&entries[2]).unwrap_err();
        assert!(err.to_string().contains("in all"), "{err}");
    }

    #[test]
    fn declared_sizes_over_the_limits_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = zip_with(dir.path(), &[("big", vec![0u8; 1001])]);
        let err = Archive::open(&path, "t.qdpx", small()).unwrap_err();
        assert!(err.to_string().contains("per entry"), "{err}");
        let path = zip_with(
            dir.path(),
            &[
                ("a", vec![0u8; 900]),
                ("b", vec![0u8; 900]),
                ("c", vec![0u8; 900]),
            ],
        );
        let err = Archive::open(&path, "t.qdpx", small()).unwrap_err();
        assert!(err.to_string().contains("in all"), "{err}");
    }
}
