//! The variables of an ingested table as Dataverse's CSV ingest records them
//! (`CSVFileReader`, `IngestServiceBean.produceSummaryStatistics`, `SumStatCalculator`),
//! computed from the stored `.tab`: a column is numeric when every value is a number (or a
//! missing-value token), discrete when every value is an integer, and numeric columns get
//! the eight summary statistics in Dataverse's order, printed as Java prints a `double`.
//! Character columns get none, and the CSV ingest records no categories.

use std::io::BufRead;
use std::path::Path;

/// One variable (column) of a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Variable {
    /// The column's header.
    pub name: String,
    /// Numeric (else character).
    pub numeric: bool,
    /// `contin` (numbers that are not all integers), else `discrete`.
    pub continuous: bool,
    /// `(label, value)` in `summaryStatisticTypes` order (`mean`, `medn`, `mode`, `vald`,
    /// `invd`, `min`, `max`, `stdev`); empty for character variables.
    pub stats: Vec<(&'static str, String)>,
}

impl Variable {
    /// `DataVariable.getIntervalLabel()`.
    pub(crate) fn interval(&self) -> &'static str {
        if self.continuous {
            "contin"
        } else {
            "discrete"
        }
    }
}

/// A table: its variables and number of rows (cases).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub variables: Vec<Variable>,
    pub cases: u64,
}

/// Read a stored `.tab` (header row first) and describe its variables.
pub(crate) fn read_table(path: &Path) -> Result<Table, crate::Error> {
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut lines = f.lines();
    let header: Vec<String> = match lines.next() {
        Some(l) => l?.split('\t').map(str::to_string).collect(),
        None => Vec::new(),
    };
    let mut columns = vec![Vec::new(); header.len()];
    let mut cases = 0u64;
    for l in lines {
        let l = l?;
        cases += 1;
        for (i, v) in l.split('\t').enumerate().take(header.len()) {
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            columns[i].push(v.replace("\"\"", "\""));
        }
    }
    let variables = header
        .into_iter()
        .zip(columns)
        .map(|(name, values)| describe(name, &values))
        .collect();
    Ok(Table { variables, cases })
}

/// The tokens the CSV ingest accepts in a numeric column as missing or infinite.
fn special(v: &str) -> bool {
    ["NaN", "NA", "Inf", "+Inf", "-Inf", "null"]
        .iter()
        .any(|t| v.eq_ignore_ascii_case(t))
}

/// `new Double(s)`: Java's number syntax (surrounding blanks, a `d`/`f` suffix,
/// `Infinity`), not Rust's (`inf`).
fn java_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let t = t.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(t);
    let unsigned = t.trim_start_matches(['+', '-']);
    if unsigned == "Infinity" || unsigned == "NaN" {
        return t.parse().ok();
    }
    if t.chars().any(|c| c.is_alphabetic() && c != 'e' && c != 'E') {
        return None;
    }
    t.parse().ok()
}

/// `StringUtils.isNumeric`, with an optional sign.
fn integer_token(v: &str) -> bool {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    !digits.is_empty() && digits.chars().all(char::is_numeric)
}

fn describe(name: String, values: &[String]) -> Variable {
    let numeric = values
        .iter()
        .all(|v| v.is_empty() || special(v) || java_number(v).is_some());
    let integer = values
        .iter()
        .all(|v| v.is_empty() || v == "null" || integer_token(v));
    let stats = if numeric {
        let x: Vec<Option<f64>> = values
            .iter()
            .map(|v| java_number(v).filter(|n| !n.is_nan()))
            .collect();
        summary(&x)
    } else {
        Vec::new()
    };
    Variable {
        name,
        numeric,
        continuous: numeric && !integer,
        stats,
    }
}

/// `SumStatCalculator.calculateSummaryStatistics` with `assignContinuousSummaryStatistics`'s
/// labels and values (`mode` is always `.`).
fn summary(x: &[Option<f64>]) -> Vec<(&'static str, String)> {
    let valid: Vec<f64> = x.iter().flatten().copied().collect();
    let invalid = x.len() - valid.len();
    let n = valid.len() as f64;
    let mean = if valid.is_empty() {
        f64::NAN
    } else {
        let xbar = valid.iter().sum::<f64>() / n;
        xbar + valid.iter().map(|v| v - xbar).sum::<f64>() / n
    };
    let mut sorted = valid.clone();
    sorted.sort_by(f64::total_cmp);
    let median = match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        len => {
            let pos = (len as f64 + 1.0) / 2.0;
            let i = pos.floor() as usize;
            let (lower, upper) = (sorted[i - 1], sorted[i.min(len - 1)]);
            lower + (pos - pos.floor()) * (upper - lower)
        }
    };
    let min = sorted.first().copied().unwrap_or(f64::NAN);
    let max = sorted.last().copied().unwrap_or(f64::NAN);
    // Commons Math `StatUtils.variance`: bias-corrected, with the second-pass correction.
    let variance = match valid.len() {
        0 => f64::NAN,
        1 => 0.0,
        _ => {
            let (sq, sum) = valid.iter().fold((0.0, 0.0), |(sq, sum), v| {
                let d = v - mean;
                (sq + d * d, sum + d)
            });
            (sq - sum * sum / n) / (n - 1.0)
        }
    };
    vec![
        ("mean", java_double(mean)),
        ("medn", java_double(median)),
        ("mode", ".".to_string()),
        ("vald", java_double(n)),
        ("invd", java_double(invalid as f64)),
        ("min", java_double(min)),
        ("max", java_double(max)),
        ("stdev", java_double(variance.sqrt())),
    ]
}

/// `Double.toString`: plain decimals between 10⁻³ and 10⁷ (always with a fraction digit),
/// computerized scientific notation outside (`1.0E7`, `1.5E-4`), shortest digits.
pub(crate) fn java_double(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let a = x.abs();
    if a == 0.0 || (1e-3..1e7).contains(&a) {
        let s = format!("{x}");
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    let s = format!("{x:e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    format!("{mantissa}E{exp}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn doubles_print_as_java_does() {
        assert_eq!(java_double(4.0), "4.0");
        assert_eq!(java_double(2.5), "2.5");
        assert_eq!(java_double(-0.0), "-0.0");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(12345678.9), "1.23456789E7");
        assert_eq!(java_double(0.00015), "1.5E-4");
        assert_eq!(java_double(0.001), "0.001");
        assert_eq!(java_double(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(java_double(f64::NAN), "NaN");
    }

    #[test]
    fn numeric_discrete_and_character_columns() {
        let v = describe("count".into(), &strings(&["3", "5", "", "5", "NA"]));
        assert!(v.numeric && v.continuous, "NA is not an integer token");
        let v = describe("count".into(), &strings(&["3", "5", "", "5"]));
        assert!(v.numeric && !v.continuous);
        assert_eq!(v.interval(), "discrete");
        let labels: Vec<&str> = v.stats.iter().map(|s| s.0).collect();
        assert_eq!(
            labels,
            [
                "mean", "medn", "mode", "vald", "invd", "min", "max", "stdev"
            ]
        );
        let vals: Vec<&str> = v.stats.iter().map(|s| s.1.as_str()).collect();
        assert_eq!(
            vals,
            [
                "4.333333333333333",
                "5.0",
                ".",
                "3.0",
                "1.0",
                "3.0",
                "5.0",
                "1.1547005383792517"
            ]
        );
        let v = describe("x".into(), &strings(&["1.5", "2.5"]));
        assert!(v.continuous);
        assert_eq!(v.stats[1], ("medn", "2.0".to_string()));
        let v = describe("name".into(), &strings(&["a", "1"]));
        assert!(!v.numeric && !v.continuous && v.stats.is_empty());
        assert!(java_number("inf").is_none() && java_number("1d") == Some(1.0));
    }
}
