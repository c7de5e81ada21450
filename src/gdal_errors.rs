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
    let mut said = take_gdal_errors();
    said.dedup();
    said.retain(|m| !m.trim().is_empty());
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
