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
        return said.join("; ");
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
        other => other.to_string(),
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
