//! SOL and LST amounts as decimal strings (9 decimals), parsed without floats.

pub fn parse(text: &str) -> Result<u64, String> {
    let bad = || format!("'{text}' is not an amount (up to 9 decimals, e.g. 1.5)");
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && frac.is_empty() || frac.len() > 9 || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let frac: u64 = if frac.is_empty() { 0 } else { format!("{frac:0<9}").parse().map_err(|_| bad())? };
    whole.checked_mul(1_000_000_000).and_then(|w| w.checked_add(frac)).ok_or_else(bad)
}

pub fn format(units: u64) -> String {
    format!("{}.{:09}", units / 1_000_000_000, units % 1_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        assert_eq!(parse("1.5"), Ok(1_500_000_000));
        assert_eq!(parse("0.000000001"), Ok(1));
        assert_eq!(parse("2"), Ok(2_000_000_000));
        assert_eq!(parse(".5"), Ok(500_000_000));
        assert!(parse("1.0000000001").is_err());
        assert!(parse("-1").is_err());
        assert!(parse("abc").is_err());
        assert!(parse("").is_err());
        assert!(parse("99999999999999999999").is_err());
        assert_eq!(format(1_500_000_000), "1.500000000");
    }
}
