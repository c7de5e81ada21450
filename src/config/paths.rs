//! Where the output directory is, and whether an input lies inside it (SPEC §5 "What
//! minefree never does", issue 21).
//!
//! [`normalise`] resolves `.`, `..` and repeated slashes of the output path by text alone,
//! like Python's `os.path.normpath`, without asking the file system: `out/../out/./a/..//b`
//! is `out/b`, so nothing is created on the way (no stray `out/a`). A `..` after a
//! component that is a symbolic link therefore goes up from the link's own folder, not
//! from where it points (as a shell's `cd` does, not as the kernel does).
//!
//! [`sources_inside_output`] compares the real paths (symbolic links followed) of every
//! file input with the real path of the output directory, which need not exist yet: its
//! nearest existing ancestor is resolved and the rest appended. An input inside the
//! output directory (or the directory itself) would be replaced by the run's outputs, so
//! it is a pipeline-file mistake, found before anything is read. Connection strings
//! (`PG:…`, `/vsi…`) have no file and are not compared.

use std::path::{Component, Path, PathBuf};

use super::{Pipeline, Problem};

/// `path` with `.`, `..` and repeated separators resolved by text alone (see the module
/// docs). A `..` above a relative path's start is kept (`../x` stays `../x`); above the
/// root it is dropped (`/..` is `/`). An empty result is `.`.
pub fn normalise(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(c),
            },
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}

/// The output path as the run uses it: normalised, and made absolute when nothing names
/// the directory itself (`.`, `..`, `../..`), so that its lock and staging directory can
/// be named after it.
pub fn output_path(path: &Path) -> PathBuf {
    let normal = normalise(path);
    if normal.file_name().is_some() || normal.has_root() {
        return normal;
    }
    match std::env::current_dir() {
        Ok(cwd) => normalise(&cwd.join(normal)),
        Err(_) => normal,
    }
}

/// The real path of `path`, which need not exist: its nearest existing ancestor with
/// symbolic links resolved, and the rest of the path appended.
pub fn real_path(path: &Path) -> PathBuf {
    let absolute = match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let absolute = normalise(&absolute);
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// One problem per file input that lies inside `output` (or is it), naming the input's
/// `source` key and both paths.
pub fn sources_inside_output(pipeline: &Pipeline, output: &Path) -> Vec<Problem> {
    let out = real_path(output);
    pipeline
        .inputs
        .iter()
        .filter_map(|input| {
            let file = input.file.as_deref()?;
            let real = real_path(file);
            real.starts_with(&out).then(|| Problem {
                key: format!("inputs.{}.source", input.kind.key()),
                message: format!(
                    "{} lies inside the output directory {}, which every run replaces: \
                     move the input out of it or choose another `output` / `--output`",
                    file.display(),
                    out.display()
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_resolves_dots_by_text() {
        let n = |s: &str| normalise(Path::new(s));
        assert_eq!(
            n("out/../out/./sample2/..//sample"),
            Path::new("out/sample")
        );
        assert_eq!(n("/a//b/./c/.."), Path::new("/a/b"));
        assert_eq!(n("../x/../y"), Path::new("../y"));
        assert_eq!(n("/../x"), Path::new("/x"));
        assert_eq!(n("a/.."), Path::new("."));
        assert_eq!(n("./"), Path::new("."));
        assert_eq!(n("a/b/"), Path::new("a/b"));
    }

    #[test]
    fn output_path_names_the_directory() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(output_path(Path::new(".")), cwd);
        assert_eq!(output_path(Path::new("a/b/..")), Path::new("a"));
        assert_eq!(output_path(Path::new("/")), Path::new("/"));
    }

    #[test]
    fn real_path_of_a_missing_directory_resolves_its_existing_ancestor() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        let link = real.join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(real_path(&link.join("new/out")), real.join("new/out"));
        assert_eq!(real_path(&link), real);
    }
}
