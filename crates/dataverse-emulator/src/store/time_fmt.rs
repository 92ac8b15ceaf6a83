//! Time formats used on the wire.

use time::OffsetDateTime;
use time::macros::format_description;

/// Now as `yyyy-MM-dd'T'HH:mm:ss'Z'` (UTC).
pub(crate) fn now_iso() -> String {
    iso(OffsetDateTime::now_utc())
}

/// `yyyy-MM-dd'T'HH:mm:ss'Z'`.
pub(crate) fn iso(t: OffsetDateTime) -> String {
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_default()
}

/// Now in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// One calendar year after `ms` (Java `Calendar.roll(YEAR, 1)`; Feb 29 becomes Feb 28).
pub(crate) fn one_year_after(ms: i64) -> i64 {
    let Ok(t) = OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000) else {
        return ms + 365 * 86_400_000;
    };
    let year = t.year() + 1;
    let next = t
        .replace_year(year)
        .or_else(|_| t.replace_day(28).and_then(|t| t.replace_year(year)));
    match next {
        Ok(n) => (n.unix_timestamp_nanos() / 1_000_000) as i64,
        Err(_) => ms + 365 * 86_400_000,
    }
}

/// `java.sql.Timestamp.toString()` of a UTC instant: `yyyy-mm-dd hh:mm:ss.f` where the
/// fraction has trailing zeros removed but keeps at least one digit.
pub(crate) fn java_timestamp(ms: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000) else {
        return ms.to_string();
    };
    let fmt = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let base = t.format(&fmt).unwrap_or_default();
    let millis = ms.rem_euclid(1000);
    let mut frac = format!("{millis:03}");
    while frac.len() > 1 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{base}.{frac}")
}

/// Java `Date.toString()` of a UTC instant: `Fri Aug 17 15:05:51 UTC 2018`.
pub(crate) fn java_date(ms: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000) else {
        return ms.to_string();
    };
    let fmt = format_description!(
        "[weekday repr:short] [month repr:short] [day] [hour]:[minute]:[second] UTC [year]"
    );
    t.format(&fmt).unwrap_or_default()
}

/// `LocalDateTime.toString()` of a UTC instant, to the millisecond:
/// `2026-12-03T16:10:05.123` (the `until` of a signed URL; fixed width, so such strings
/// compare as their instants do).
pub(crate) fn local_date_time_ms(ms: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000) else {
        return ms.to_string();
    };
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    format!(
        "{}.{:03}",
        t.format(&fmt).unwrap_or_default(),
        ms.rem_euclid(1000)
    )
}

/// `new SimpleDateFormat("MM/d/yyyy")` of a UTC instant: `12/3/2026` (the guestbook
/// responses CSV's date).
pub(crate) fn java_month_day_year(ms: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000) else {
        return ms.to_string();
    };
    let fmt = format_description!("[month]/[day padding:none]/[year]");
    t.format(&fmt).unwrap_or_default()
}

/// Unix milliseconds of a `yyyy-MM-dd'T'HH:mm:ss'Z'` time ([`iso`]).
pub(crate) fn parse_iso_ms(s: &str) -> Option<i64> {
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let t = time::PrimitiveDateTime::parse(s, &fmt).ok()?.assume_utc();
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(java_timestamp(0), "1970-01-01 00:00:00.0");
        assert_eq!(java_timestamp(1_500), "1970-01-01 00:00:01.5");
        assert_eq!(java_timestamp(345), "1970-01-01 00:00:00.345");
        assert_eq!(one_year_after(0), 365 * 86_400_000);
        assert_eq!(java_date(1_534_518_351_000), "Fri Aug 17 15:05:51 UTC 2018");
        assert_eq!(java_month_day_year(1_534_518_351_000), "08/17/2018");
        assert_eq!(java_month_day_year(1_533_081_600_000), "08/1/2018");
    }
}
