//! Conversions between writ's types and SQL values: enums as their names,
//! nested values (scopes, summaries) as JSON text.

use std::str::FromStr;

use rusqlite::types::Type;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Result, StoreError};

/// JSON text of a value for a TEXT column.
pub(crate) fn to_json<T: Serialize>(what: &'static str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|source| StoreError::Encode { what, source })
}

/// Reads JSON text from column `idx`.
pub(crate) fn json_column<T: DeserializeOwned>(
    row: &rusqlite::Row<'_>,
    idx: usize,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// Reads an enum by its name from column `idx`.
pub(crate) fn name_column<T>(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(idx)?;
    text.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// Collects mapped rows, turning SQLite errors into store errors.
pub(crate) fn collect<T>(rows: impl Iterator<Item = rusqlite::Result<T>>) -> Result<Vec<T>> {
    rows.map(|row| row.map_err(StoreError::from)).collect()
}
