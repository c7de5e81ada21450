//! GDAL's error messages: collected per thread by one handler, and turned into words.
//!
//! GDAL reports most failures through its error handler (CPLError) and returns only a
//! code; the `gdal` crate's errors then read `error '6'` or `Error msg: ''`. The handler
//! installed here keeps each thread's failure messages so that [`describe`] can say what
//! GDAL said, and falls back to the code's meaning when GDAL said nothing.

use gdal::errors::GdalError;

thread_local! {
    /// GDAL errors (CE_Failure and worse) raised on this thread since the last take.
    static GDAL_ERRORS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Routes GDAL's messages to the log and remembers failures per thread, so that a layer
/// that GDAL could only partly read is reported instead of silently losing records.
pub fn install_gdal_error_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        gdal::config::set_error_handler(|class, code, message| match class {
            gdal::errors::CplErrType::Failure | gdal::errors::CplErrType::Fatal => {
                tracing::debug!(code, "GDAL error: {message}");
                GDAL_ERRORS.with(|e| e.borrow_mut().push(message.to_string()));
            }
            _ => tracing::trace!(code, "GDAL: {message}"),
        });
    });
}

/// The failure messages GDAL raised on this thread since the last call.
pub fn take_gdal_errors() -> Vec<String> {
    GDAL_ERRORS.with(|e| std::mem::take(&mut *e.borrow_mut()))
}

/// `e` in words: what GDAL said on this thread (taken), else what the code means.
pub fn describe(e: &GdalError) -> String {
    // on one line: libpq's messages, for one, span several lines and end in newlines
    let mut said: Vec<String> = take_gdal_errors()
        .iter()
        .map(|m| m.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|m| !m.is_empty())
        .collect();
    said.dedup();
    if !said.is_empty() {
        // each message short, and all of them together too (a full disk makes SQLite fail
        // at every statement GDAL tries after it: a dozen messages)
        let said: Vec<String> = said.iter().map(|m| shorten(m)).collect();
        return shorten(&said.join("; "));
    }
    match e {
        GdalError::OgrError { err, method_name } => {
            format!("{method_name} failed ({}), without a reason from GDAL; check free disk space and permissions", ogr_error_name(*err))
        }
        GdalError::NullPointer { method_name, msg } if msg.trim().is_empty() => {
            format!("{method_name} failed without a reason from GDAL")
        }
        GdalError::CplError { msg, number, .. } if msg.trim().is_empty() => {
            format!("GDAL error number {number}, without a message")
        }
        other => shorten(&other.to_string()),
    }
}

/// The meaning of an `OGRErr` code (ogr_core.h).
fn ogr_error_name(code: gdal_sys::OGRErr::Type) -> String {
    let name = match code {
        1 => "not enough data",
        2 => "not enough memory",
        3 => "unsupported geometry type",
        4 => "unsupported operation",
        5 => "corrupt data",
        6 => "failure",
        7 => "unsupported SRS",
        8 => "invalid handle",
        9 => "no such feature",
        _ => "unknown error",
    };
    format!("OGR error {code}: {name}")
}

/// The longest GDAL message kept whole; longer ones lose their middle.
const MAX_MESSAGE_CHARS: usize = 300;

/// `message` cut to a line a person reads: GDAL quotes the failed SQL statement whole
/// ("sqlite3_exec(INSERT INTO … 91 KB of a QGIS project in hex …) failed: database or
/// disk is full"), so a long message keeps its start and its reason (the end) and says
/// how much was left out between them.
pub fn shorten(message: &str) -> String {
    let chars: Vec<char> = message.chars().collect();
    if chars.len() <= MAX_MESSAGE_CHARS {
        return message.to_string();
    }
    // the reason follows the last "failed:" (SQLite, GDAL drivers) or else the last ": "
    let text: String = chars.iter().collect();
    let tail_start = text
        .rfind("failed:")
        .or_else(|| text.rfind(": "))
        .map(|byte| text[..byte].chars().count())
        .filter(|&c| chars.len() - c <= MAX_MESSAGE_CHARS / 2)
        .unwrap_or(chars.len() - MAX_MESSAGE_CHARS / 3);
    let head_len = 80.min(tail_start);
    let head: String = chars[..head_len].iter().collect();
    let tail: String = chars[tail_start..].iter().collect();
    format!(
        "{head} … ({} characters left out) … {tail}",
        tail_start - head_len
    )
}

/// Why GDAL cannot use PROJ's database (`proj.db`), or `None` when it can.
///
/// Without `proj.db` no EPSG code can be imported, and GDAL's own message is a bare
/// "OSRImportFromEPSG returned error: '6'". So EPSG:4326 is imported once per process
/// (the database does not come back while minefree runs); failing that, the message says
/// what to set. Errors GDAL raised earlier on this thread are kept.
pub fn proj_database_missing() -> Option<String> {
    static MISSING: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    MISSING
        .get_or_init(|| {
            install_gdal_error_handler();
            let earlier = take_gdal_errors();
            let result = gdal::spatial_ref::SpatialRef::from_epsg(4326);
            let said = take_gdal_errors();
            GDAL_ERRORS.with(|e| *e.borrow_mut() = earlier);
            result
                .err()
                .map(|e| proj_database_message(&said, &e.to_string()))
        })
        .clone()
}

/// The words for a failed import of EPSG:4326: GDAL's messages `said`, else `error`.
fn proj_database_message(said: &[String], error: &str) -> String {
    let gdal_said = said.first().map_or(error, String::as_str);
    let env: Vec<String> = ["PROJ_DATA", "PROJ_LIB"]
        .iter()
        .filter_map(|v| std::env::var(v).ok().map(|value| format!("{v}={value}")))
        .collect();
    let env = if env.is_empty() {
        "neither PROJ_DATA nor PROJ_LIB is set".to_string()
    } else {
        env.join(", ")
    };
    format!(
        "PROJ's database (proj.db) was not found, so no CRS can be read ({env}; GDAL: \
         {gdal_said}): set PROJ_DATA (PROJ_LIB before PROJ 9.1) to the folder holding \
         proj.db, or install PROJ's data files (the proj-data package on Debian and Ubuntu)"
    )
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn sql_in_a_disk_full_message_is_cut_and_the_reason_kept() {
        let sql = format!(
            "INSERT INTO qgis_projects VALUES ('minefree', X'{}')",
            "AB".repeat(45_000)
        );
        let message = format!("sqlite3_exec({sql}) failed: database or disk is full");
        let short = shorten(&message);
        assert!(short.chars().count() < 300, "{short}");
        assert!(
            short.starts_with("sqlite3_exec(INSERT INTO qgis_projects"),
            "{short}"
        );
        assert!(
            short.ends_with("failed: database or disk is full"),
            "{short}"
        );
        // the count of characters left out is the difference in lengths, not made up
        let left_out = message.chars().count() - (80 + "failed: database or disk is full".len());
        assert!(
            short.contains(&format!("({left_out} characters left out)")),
            "{short}"
        );
    }

    /// What the disk-full test saw once: after the first failed statement SQLite fails
    /// every statement GDAL tries, each message under 300 characters, all of them 1 088.
    #[test]
    fn many_messages_of_one_failure_make_one_short_line() {
        let messages: Vec<String> = (0..12)
            .map(|k| format!("sqlite3_exec(PRAGMA statement_{k} = 1; SELECT srs_id FROM gpkg_spatial_ref_sys) failed: database or disk is full"))
            .collect();
        super::GDAL_ERRORS.with(|e| *e.borrow_mut() = messages);
        let e = gdal::errors::GdalError::OgrError {
            err: 6,
            method_name: "OGR_L_CommitTransaction",
        };
        let said = super::describe(&e);
        assert!(said.chars().count() < 300, "{said}");
        assert!(
            said.starts_with("sqlite3_exec(PRAGMA statement_0"),
            "{said}"
        );
        assert!(said.ends_with("failed: database or disk is full"), "{said}");
    }

    #[test]
    fn short_messages_are_kept_whole() {
        let m = "sqlite3_exec(CREATE TABLE x) failed: disk I/O error";
        assert_eq!(shorten(m), m);
    }

    #[test]
    fn long_message_without_a_reason_keeps_its_start_and_end() {
        let m = "é".repeat(1000);
        let short = shorten(&m);
        assert!(short.chars().count() < 300);
        assert!(short.starts_with("éé") && short.ends_with("éé"));
    }
}
