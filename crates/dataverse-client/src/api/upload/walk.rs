//! Listing the files of a local directory for an upload.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file found under the directory being uploaded.
pub(super) struct LocalFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its path relative to the directory.
    pub relative: PathBuf,
    /// `a/b` of the relative parent (with the options' folder in front), or empty.
    pub dir: String,
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// The files found, and the entries that could not be read.
pub(super) type Walked = (Vec<LocalFile>, Vec<(PathBuf, Error)>);

/// Every regular file under `root` (symbolic links not followed; dot files only with
/// `include_hidden`), sorted by relative path, with `prefix` in front of each folder.
pub(super) fn walk(root: &Path, prefix: &str, include_hidden: bool) -> Result<Walked> {
    let io = |operation: &str, path: &Path, source| Error::Io {
        operation: operation.into(),
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(root).map_err(|e| io("reading", root, e))?;
    if !meta.is_dir() {
        return Err(Error::InvalidArgument(format!(
            "{} is not a directory",
            root.display()
        )));
    }
    let mut files = Vec::new();
    let mut failed = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                let rel = dir.strip_prefix(root).unwrap_or(&dir).to_path_buf();
                failed.push((rel, io("listing", &dir, e)));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let rel = dir.strip_prefix(root).unwrap_or(&dir).to_path_buf();
                    failed.push((rel, io("listing", &dir, e)));
                    continue;
                }
            };
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str() else {
                failed.push((
                    rel,
                    Error::InvalidArgument(format!(
                        "{} has a name that is not UTF-8",
                        path.display()
                    )),
                ));
                continue;
            };
            if !include_hidden && name.starts_with('.') {
                continue;
            }
            // Symbolic links are not followed (no loops, nothing outside the directory).
            let ft = match entry.file_type() {
                Ok(t) => t,
                Err(e) => {
                    failed.push((rel, io("reading", &path, e)));
                    continue;
                }
            };
            if ft.is_dir() {
                stack.push(path);
            } else if ft.is_file() {
                let size = match entry.metadata() {
                    Ok(m) => m.len(),
                    Err(e) => {
                        failed.push((rel, io("reading", &path, e)));
                        continue;
                    }
                };
                let mut parts: Vec<String> = Vec::new();
                if !prefix.is_empty() {
                    parts.push(prefix.to_string());
                }
                let mut bad = false;
                if let Some(parent) = rel.parent() {
                    for c in parent.components() {
                        match c.as_os_str().to_str() {
                            Some(s) => parts.push(s.to_string()),
                            None => bad = true,
                        }
                    }
                }
                if bad {
                    failed.push((
                        rel.clone(),
                        Error::InvalidArgument(format!(
                            "{} has a folder name that is not UTF-8",
                            path.display()
                        )),
                    ));
                    continue;
                }
                files.push(LocalFile {
                    path,
                    relative: rel,
                    dir: parts.join("/"),
                    name: name.to_string(),
                    size,
                });
            }
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok((files, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_keeps_relative_folders() {
        let dir = std::env::temp_dir().join(format!("dv-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join("top.txt"), "t").unwrap();
        std::fs::write(dir.join("a/b/deep.csv"), "x,y\n").unwrap();
        std::fs::write(dir.join(".git/config"), "c").unwrap();
        std::fs::write(dir.join(".hidden"), "h").unwrap();
        let (files, failed) = walk(&dir, "pre", false).unwrap();
        assert!(failed.is_empty());
        let got: Vec<(String, String, u64)> = files
            .iter()
            .map(|f| (f.dir.clone(), f.name.clone(), f.size))
            .collect();
        assert_eq!(
            got,
            vec![
                ("pre/a/b".to_string(), "deep.csv".to_string(), 4),
                ("pre".to_string(), "top.txt".to_string(), 1)
            ]
        );
        let (all, _) = walk(&dir, "", true).unwrap();
        assert_eq!(all.len(), 4);
        assert!(walk(&dir.join("top.txt"), "", false).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
