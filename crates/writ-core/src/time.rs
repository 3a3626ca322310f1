//! Wall-clock time as milliseconds since the Unix epoch: the one time
//! representation in records, the store and the wire.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::CoreError;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// The current time.
pub fn now_millis() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// RFC 3339 text for a time, in UTC with second precision.
pub fn format_millis(ms: Millis) -> String {
    let secs = u64::try_from(ms.max(0) / 1000).unwrap_or(0);
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// Reads a duration such as `90s`, `30m`, `8h`, `2d`.
pub fn parse_duration(text: &str) -> Result<Duration, CoreError> {
    humantime::parse_duration(text.trim()).map_err(|_| CoreError::Duration(text.to_string()))
}
