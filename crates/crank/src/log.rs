//! Structured logs on stderr: one line per event, as JSON (`--log-format json`, for collectors) or
//! as text (`2026-11-30T09:00:00Z INFO epoch updated epoch=12 rate=1.0001`).
use serde_json::{Map, Value};
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct Logger {
    pub format: LogFormat,
}

impl Logger {
    pub fn info(&self, message: &str, fields: &[(&str, Value)]) {
        self.write("info", message, fields)
    }

    pub fn warn(&self, message: &str, fields: &[(&str, Value)]) {
        self.write("warn", message, fields)
    }

    pub fn error(&self, message: &str, fields: &[(&str, Value)]) {
        self.write("error", message, fields)
    }

    fn write(&self, level: &str, message: &str, fields: &[(&str, Value)]) {
        let now = rfc3339(SystemTime::now());
        let line = match self.format {
            LogFormat::Json => {
                let mut object = Map::new();
                object.insert("ts".into(), Value::String(now));
                object.insert("level".into(), Value::String(level.into()));
                object.insert("msg".into(), Value::String(message.into()));
                for (key, value) in fields {
                    object.insert((*key).into(), value.clone());
                }
                Value::Object(object).to_string()
            }
            LogFormat::Text => {
                let mut line = format!("{now} {} {message}", level.to_uppercase());
                for (key, value) in fields {
                    match value {
                        Value::String(s) => line.push_str(&format!(" {key}={s:?}")),
                        other => line.push_str(&format!(" {key}={other}")),
                    }
                }
                line
            }
        };
        // A closed stderr must not stop the bot.
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

/// `time` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC), without a date library.
pub fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_matches_known_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        // 2026-11-30T08:49:29Z
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_millis(1_796_028_569_250)), "2026-11-30T08:49:29.250Z");
        // A leap day.
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(1_709_164_800)), "2024-02-29T00:00:00.000Z");
    }
}
