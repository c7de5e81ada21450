//! TOML syntax, and a small walker over a TOML table that records every problem.
//!
//! [`Section`] hands out typed values by key, remembers which keys were asked for and
//! reports the rest as unknown keys: the pipeline file's `deny_unknown_fields`, but
//! collecting all problems instead of stopping at the first.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use toml::{Table, Value};

use super::Problem;

/// Parses TOML text; the error carries the parser's line and column.
pub(super) fn parse(text: &str) -> Result<Table, String> {
    text.parse::<Table>()
        .map_err(|e| e.to_string().trim().to_string())
}

/// A table being walked, with its dotted key prefix.
pub(super) struct Section<'a> {
    table: &'a Table,
    prefix: String,
    used: BTreeSet<String>,
}

impl<'a> Section<'a> {
    pub(super) fn new(table: &'a Table, prefix: &str) -> Section<'a> {
        Section {
            table,
            prefix: prefix.to_string(),
            used: BTreeSet::new(),
        }
    }

    /// The dotted name of `key` in this section; a key that is not a TOML bare key is
    /// quoted, as it is written in the file (`""`, `"North Region"`): an empty key would
    /// otherwise name nothing (found by the fuzz campaign).
    pub(super) fn key(&self, key: &str) -> String {
        let bare = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let key = if bare {
            key.to_string()
        } else {
            Value::String(key.to_string()).to_string()
        };
        if self.prefix.is_empty() {
            key
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    fn get(&mut self, key: &str) -> Option<&'a Value> {
        self.used.insert(key.to_string());
        self.table.get(key)
    }

    fn wrong_type(&self, key: &str, expected: &str, problems: &mut Vec<Problem>) {
        problems.push(Problem {
            key: self.key(key),
            message: format!("expected {expected}"),
        });
    }

    /// An optional string.
    pub(super) fn string(&mut self, key: &str, problems: &mut Vec<Problem>) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.wrong_type(key, "a string", problems);
                None
            }
        }
    }

    /// An optional date, written as a TOML date or a `YYYY-MM-DD` string.
    pub(super) fn date(&mut self, key: &str, problems: &mut Vec<Problem>) -> Option<NaiveDate> {
        let value = self.get(key)?;
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Datetime(d) => d.to_string(),
            _ => {
                self.wrong_type(key, "a date YYYY-MM-DD", problems);
                return None;
            }
        };
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(d) => match super::check_date_years(d) {
                Ok(d) => Some(d),
                Err(message) => {
                    problems.push(Problem {
                        key: self.key(key),
                        message,
                    });
                    None
                }
            },
            Err(_) => {
                problems.push(Problem {
                    key: self.key(key),
                    message: format!("'{text}' is not a date YYYY-MM-DD"),
                });
                None
            }
        }
    }

    /// An optional number (integer or float).
    pub(super) fn number(&mut self, key: &str, problems: &mut Vec<Problem>) -> Option<f64> {
        match self.get(key)? {
            Value::Integer(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => {
                self.wrong_type(key, "a number", problems);
                None
            }
        }
    }

    /// An optional whole number in `min..=max`.
    pub(super) fn integer(
        &mut self,
        key: &str,
        min: i64,
        max: i64,
        problems: &mut Vec<Problem>,
    ) -> Option<u32> {
        match self.get(key)? {
            Value::Integer(i) if (min..=max).contains(i) => u32::try_from(*i).ok(),
            Value::Integer(i) => {
                problems.push(Problem {
                    key: self.key(key),
                    message: format!("{i} is out of range ({min} to {max})"),
                });
                None
            }
            _ => {
                self.wrong_type(key, "a whole number", problems);
                None
            }
        }
    }

    /// An optional sub-table.
    pub(super) fn table(&mut self, key: &str, problems: &mut Vec<Problem>) -> Option<&'a Table> {
        match self.get(key)? {
            Value::Table(t) => Some(t),
            _ => {
                self.wrong_type(key, "a table", problems);
                None
            }
        }
    }

    /// An optional sub-table or array of tables (`[inputs.releases]` or
    /// `[[inputs.releases]]`), as a list.
    pub(super) fn tables(
        &mut self,
        key: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<Vec<&'a Table>> {
        match self.get(key)? {
            Value::Table(t) => Some(vec![t]),
            Value::Array(items) => {
                let tables: Option<Vec<&Table>> = items.iter().map(Value::as_table).collect();
                if tables.is_none() || items.is_empty() {
                    self.wrong_type(key, "a table or an array of tables", problems);
                }
                tables.filter(|t| !t.is_empty())
            }
            _ => {
                self.wrong_type(key, "a table", problems);
                None
            }
        }
    }

    /// Reports every key that was never asked for.
    pub(super) fn finish(self, problems: &mut Vec<Problem>) {
        for key in self.table.keys() {
            if !self.used.contains(key) {
                problems.push(Problem {
                    key: self.key(key),
                    message: "unknown key".to_string(),
                });
            }
        }
    }
}
