//! Content hashes (SHA-256, lower-case hex) of pipeline files and inputs (a shapefile:
//! all its parts), for run.json.

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Lower-case hex SHA-256 of a file, streamed.
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// SHA-256 of a file; for a shapefile, of its .shp, .shx, .dbf, .prj and .cpg together
/// (the hash of the concatenated per-file hashes).
pub fn hash_source(path: &std::path::Path) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let is_shp = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
    if !is_shp {
        return sha256_file(path).ok();
    }
    let parts: Vec<String> = ["shp", "shx", "dbf", "prj", "cpg"]
        .iter()
        .map(|ext| path.with_extension(ext))
        .filter(|p| p.is_file())
        .filter_map(|p| sha256_file(&p).ok())
        .collect();
    Some(sha256_hex(parts.join("").as_bytes()))
}
