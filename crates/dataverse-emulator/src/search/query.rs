//! The query language: the part of Solr's Lucene syntax (as Dataverse's edismax handler
//! reads `q`, and the standard parser reads `fq`) that real clients send, parsed into a
//! [`Node`] tree. Syntax outside that part is refused with a [`QueryError`] naming it,
//! rather than answered wrongly.
//!
//! Supported: bare terms and `"phrases"` (searched in every text field), `*` and `*:*`,
//! `field:value` / `field:"phrase"` / `field:(a OR b)`, trailing wildcards (`finch*`,
//! `title:dar*`), `AND` `OR` `NOT` `&&` `||` `!`, `+term` `-term`, parentheses, ranges
//! (`[a TO b]`, `{a TO b}`, `*` as an open end, `NOW` with `±N` units and `/UNIT` rounding
//! on date fields), backslash escapes and `^boost` (accepted; it only changes ranking).
//! Clauses combine as in Lucene's classic parser with the default operator OR: `a b` is
//! either, `a AND b` both, `+a b` needs `a`, `-a` excludes.
//!
//! Refused: fuzzy and proximity (`~`), regular expressions (`/.../`), leading or inner
//! wildcards and `?`, local parameters (`{!...}`), function queries, and unbalanced
//! quotes, parentheses or brackets.

use std::fmt;

use time::{Duration, OffsetDateTime};

use super::fields::{self, FieldKind};

/// How a clause takes part in a boolean query (Lucene's `Occur`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occur {
    /// Required (`+a`, `a AND b`).
    Must,
    /// Optional; at least one must match when there is no required clause.
    Should,
    /// Excluded (`-a`, `NOT a`).
    MustNot,
}

/// One value test on a field that is not full-text (string, number or date).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ValueTest {
    /// The exact value.
    Eq(String),
    /// Values starting with this.
    Prefix(String),
    /// Any value (`field:*`, `field:[* TO *]`).
    Any,
    /// A range; `None` ends are open.
    Range {
        lo: Option<String>,
        hi: Option<String>,
        lo_incl: bool,
        hi_incl: bool,
    },
}

/// A full-text test: the analysed words of a term or phrase, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextTest {
    /// The text field, or `None` for the default (every text field).
    pub field: Option<String>,
    /// Lower-cased words (one for a term that is one word; several make a phrase).
    pub words: Vec<String>,
    /// Whether the last word is a prefix (`dar*`).
    pub prefix: bool,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Every document (`*`, `*:*`).
    All,
    /// A full-text test.
    Text(TextTest),
    /// A test on a string, number or date field.
    Value { field: String, test: ValueTest },
    /// A field that exists on some documents only (`title:*`): the documents having it.
    Has(String),
    /// Clauses with their occurrence.
    Bool(Vec<(Occur, Node)>),
}

/// A query the server cannot answer faithfully, with what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryError(pub String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a query comes from: `q` treats a `name:` that is not a field as text (edismax),
/// `fq` refuses it (the standard parser's "undefined field").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The `q` parameter.
    Q,
    /// An `fq` parameter.
    Fq,
}

/// Parse `text` (the whole `q` or one `fq`).
pub(crate) fn parse(text: &str, source: Source) -> Result<Node, QueryError> {
    let text = unescape_pid_colons(text);
    let tokens = lex(&text)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        source,
    };
    let node = p.clauses(None)?;
    if p.pos < p.tokens.len() {
        return Err(QueryError(format!(
            "unexpected '{}' in the query",
            p.tokens[p.pos].show()
        )));
    }
    Ok(node)
}

/// Dataverse's `SearchUtil.sanitizeQuery`: a query starting with `doi`/`hdl` has the colon
/// after `doi:`/`hdl:` escaped, so a bare PID is searched as text.
fn unescape_pid_colons(q: &str) -> String {
    let first = q.split(':').next().unwrap_or("");
    if first.starts_with("doi") {
        q.replace("doi:", "doi\\:")
    } else if first.starts_with("hdl") {
        q.replace("hdl:", "hdl\\:")
    } else {
        q.to_string()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A word (escapes resolved); `wild` when it carried an unescaped `*` or `?`.
    Word {
        text: String,
        raw: String,
    },
    Phrase(String),
    Colon,
    LParen,
    RParen,
    /// `[` or `{`.
    RangeOpen(bool),
    /// `]` or `}`.
    RangeClose(bool),
    And,
    Or,
    Not,
    Plus,
    Minus,
}

impl Token {
    fn show(&self) -> String {
        match self {
            Token::Word { raw, .. } => raw.clone(),
            Token::Phrase(p) => format!("\"{p}\""),
            Token::Colon => ":".into(),
            Token::LParen => "(".into(),
            Token::RParen => ")".into(),
            Token::RangeOpen(true) => "[".into(),
            Token::RangeOpen(false) => "{".into(),
            Token::RangeClose(true) => "]".into(),
            Token::RangeClose(false) => "}".into(),
            Token::And => "AND".into(),
            Token::Or => "OR".into(),
            Token::Not => "NOT".into(),
            Token::Plus => "+".into(),
            Token::Minus => "-".into(),
        }
    }
}

/// Characters that end a bare word.
fn is_special(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | ':' | '"' | '[' | ']' | '{' | '}' | '^')
}

fn lex(q: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => out.push(Token::LParen),
            ')' => out.push(Token::RParen),
            ':' => out.push(Token::Colon),
            ']' => out.push(Token::RangeClose(true)),
            '}' => out.push(Token::RangeClose(false)),
            '[' | '{' => {
                if c == '{' && chars.get(i + 1) == Some(&'!') {
                    return Err(QueryError(
                        "local parameters ({!...}) are not supported".into(),
                    ));
                }
                out.push(Token::RangeOpen(c == '['));
                i = lex_range(&chars, i + 1, &mut out)?;
                continue;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(QueryError("unbalanced quote in the query".into())),
                        Some('"') => break,
                        Some('\\') => {
                            if let Some(n) = chars.get(i + 1) {
                                s.push(*n);
                            }
                            i += 2;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push(Token::Phrase(s));
                if chars.get(i + 1) == Some(&'~') {
                    return Err(QueryError(
                        "proximity searches (\"...\"~N) are not supported".into(),
                    ));
                }
            }
            '^' => {
                // A boost: skip its number; it only changes ranking.
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                continue;
            }
            '/' if out.last().is_none_or(|t| !matches!(t, Token::Word { .. })) => {
                return Err(QueryError(
                    "regular expressions (/.../) are not supported".into(),
                ));
            }
            '+' if starts_clause(&chars, i) => out.push(Token::Plus),
            '-' if starts_clause(&chars, i) => out.push(Token::Minus),
            '!' if starts_clause(&chars, i) => out.push(Token::Not),
            '&' if chars.get(i + 1) == Some(&'&') => {
                out.push(Token::And);
                i += 1;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                out.push(Token::Or);
                i += 1;
            }
            _ => {
                let mut text = String::new();
                let mut raw = String::new();
                while i < chars.len() && !is_special(chars[i]) {
                    if chars[i] == '\\' {
                        raw.push('\\');
                        if let Some(n) = chars.get(i + 1) {
                            // An escaped character is literal text; mark escaped wildcards
                            // so they are not read as wildcards.
                            text.push(if *n == '*' || *n == '?' { '\u{1}' } else { *n });
                            raw.push(*n);
                        }
                        i += 2;
                        continue;
                    }
                    if chars[i] == '~' {
                        return Err(QueryError(
                            "fuzzy searches (term~) are not supported".into(),
                        ));
                    }
                    text.push(chars[i]);
                    raw.push(chars[i]);
                    i += 1;
                }
                let token = match raw.as_str() {
                    "AND" => Token::And,
                    "OR" => Token::Or,
                    "NOT" => Token::Not,
                    _ => Token::Word { text, raw },
                };
                out.push(token);
                continue;
            }
        }
        i += 1;
    }
    Ok(out)
}

/// The inside of a range from `i` (after its `[`/`{`) to its closing bracket: words split
/// on spaces only (so `2020-01-01T00:00:00Z` stays whole), or quoted. Returns the index
/// after the bracket.
fn lex_range(chars: &[char], mut i: usize, out: &mut Vec<Token>) -> Result<usize, QueryError> {
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        match chars.get(i) {
            None => return Err(QueryError("unclosed range in the query".into())),
            Some(']') | Some('}') => {
                out.push(Token::RangeClose(chars[i] == ']'));
                return Ok(i + 1);
            }
            Some('"') => {
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    s.push(chars[i]);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(QueryError("unbalanced quote in the query".into()));
                }
                i += 1;
                out.push(Token::Phrase(s));
            }
            Some(_) => {
                let mut text = String::new();
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && chars[i] != ']'
                    && chars[i] != '}'
                {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                out.push(Token::Word {
                    raw: text.clone(),
                    text,
                });
            }
        }
    }
}

/// Whether a `+`/`-`/`!` at `i` is a clause modifier (at the start of a clause and followed
/// by something), rather than part of a word like `e-mail`.
fn starts_clause(chars: &[char], i: usize) -> bool {
    let before_ok = i == 0 || chars[i - 1].is_whitespace() || matches!(chars[i - 1], '(' | ':');
    let after_ok = chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
    before_ok && after_ok
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    source: Source,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// A clause list up to `)` (or the end), combined as Lucene's classic parser does with
    /// the default operator OR. `field` is the field of an enclosing `field:( ... )`.
    fn clauses(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let mut clauses: Vec<(Occur, Node)> = Vec::new();
        let mut conj_and = false;
        loop {
            match self.peek() {
                None | Some(Token::RParen) => break,
                Some(Token::And) | Some(Token::Or)
                    if matches!(self.tokens.get(self.pos + 1), None | Some(Token::RParen)) =>
                {
                    return Err(QueryError(
                        "the query ends where a term was expected".into(),
                    ));
                }
                Some(Token::And) => {
                    self.pos += 1;
                    conj_and = true;
                    // `a AND b`: the previous clause becomes required too.
                    if let Some(last) = clauses.last_mut()
                        && last.0 == Occur::Should
                    {
                        last.0 = Occur::Must;
                    }
                    continue;
                }
                Some(Token::Or) => {
                    self.pos += 1;
                    conj_and = false;
                    continue;
                }
                _ => {}
            }
            let mut occur = if conj_and { Occur::Must } else { Occur::Should };
            match self.peek() {
                Some(Token::Plus) => {
                    self.pos += 1;
                    occur = Occur::Must;
                }
                Some(Token::Minus) | Some(Token::Not) => {
                    self.pos += 1;
                    occur = Occur::MustNot;
                }
                _ => {}
            }
            let node = self.clause(field)?;
            conj_and = false;
            if let Some(node) = node {
                clauses.push((occur, node));
            }
        }
        Ok(match clauses.len() {
            1 if clauses[0].0 != Occur::MustNot => clauses.remove(0).1,
            _ => Node::Bool(clauses),
        })
    }

    /// One clause: a group, a field clause, a phrase or a term. `None` when it analyses
    /// to nothing (a term of punctuation only), which Lucene drops.
    fn clause(&mut self, field: Option<&str>) -> Result<Option<Node>, QueryError> {
        match self.next() {
            Some(Token::LParen) => {
                let inner = self.clauses(field)?;
                match self.next() {
                    Some(Token::RParen) => Ok(Some(inner)),
                    _ => Err(QueryError("unbalanced parenthesis in the query".into())),
                }
            }
            Some(Token::Phrase(p)) => Ok(text_node(field, &p, false)),
            Some(Token::Word { text, raw }) => {
                if self.peek() == Some(&Token::Colon) && field.is_none() {
                    return self.field_clause(text, raw);
                }
                self.word(field, &text, &raw)
            }
            Some(Token::RangeOpen(_)) => match field {
                Some(f) => {
                    self.pos -= 1;
                    self.range(f).map(Some)
                }
                None => Err(QueryError(
                    "a range ([a TO b]) needs a field, as in dateSort:[2020-01-01T00:00:00Z TO NOW]"
                        .into(),
                )),
            },
            Some(t) => Err(QueryError(format!(
                "unexpected '{}' in the query",
                t.show()
            ))),
            None => Err(QueryError("the query ends where a term was expected".into())),
        }
    }

    /// `name:...` where `name` was just read.
    fn field_clause(&mut self, name: String, raw: String) -> Result<Option<Node>, QueryError> {
        self.pos += 1; // the colon
        if name == "*" {
            // `*:*`
            return match self.next() {
                Some(Token::Word { text, .. }) if text == "*" => Ok(Some(Node::All)),
                _ => Err(QueryError("only *:* may use * as a field name".into())),
            };
        }
        let Some(kind) = fields::kind(&name) else {
            if self.source == Source::Fq {
                return Err(QueryError(format!(
                    "undefined field {name}: this server searches the fields Dataverse indexes"
                )));
            }
            // edismax reads an unknown `name:` as literal text.
            let mut literal = raw;
            literal.push(':');
            return match self.next() {
                Some(Token::Word { raw: r, .. }) => {
                    literal.push_str(&r);
                    Ok(text_node(None, &literal, false))
                }
                Some(Token::Phrase(p)) => {
                    literal.push(' ');
                    literal.push_str(&p);
                    Ok(text_node(None, &literal, false))
                }
                _ => Ok(text_node(None, &literal, false)),
            };
        };
        match self.peek() {
            Some(Token::LParen) => {
                self.pos += 1;
                let inner = self.clauses(Some(&name))?;
                match self.next() {
                    Some(Token::RParen) => Ok(Some(inner)),
                    _ => Err(QueryError("unbalanced parenthesis in the query".into())),
                }
            }
            Some(Token::RangeOpen(_)) => self.range(&name).map(Some),
            Some(Token::Phrase(_)) => {
                let Some(Token::Phrase(p)) = self.next() else {
                    unreachable!("peeked a phrase")
                };
                Ok(match kind {
                    FieldKind::Text => text_node(Some(&name), &p, false),
                    _ => Some(value_node(&name, kind, ValueTest::Eq(p))?),
                })
            }
            Some(Token::Word { .. }) => {
                let Some(Token::Word { text, raw }) = self.next() else {
                    unreachable!("peeked a word")
                };
                self.word(Some(&name), &text, &raw)
            }
            _ => Err(QueryError(format!("field {name}: has no value"))),
        }
    }

    /// A bare word in `field` (or the default field).
    fn word(&self, field: Option<&str>, text: &str, raw: &str) -> Result<Option<Node>, QueryError> {
        if text == "*" {
            return Ok(Some(match field {
                None => Node::All,
                Some(f) => match fields::kind(f) {
                    Some(FieldKind::Text) => Node::Has(f.to_string()),
                    _ => Node::Value {
                        field: f.to_string(),
                        test: ValueTest::Any,
                    },
                },
            }));
        }
        let (body, prefix) = match text.strip_suffix('*') {
            Some(b) => (b, true),
            None => (text, false),
        };
        if body.contains('*') || body.contains('?') || body.is_empty() && prefix {
            return Err(QueryError(format!(
                "wildcards are supported at the end of a term only, not in '{raw}'"
            )));
        }
        let body = body.replace('\u{1}', "*");
        match field.map(|f| (f, fields::kind(f))) {
            None | Some((_, Some(FieldKind::Text))) => Ok(text_node(field, &body, prefix)),
            Some((f, Some(kind))) => {
                let test = if prefix {
                    ValueTest::Prefix(body)
                } else {
                    ValueTest::Eq(body)
                };
                Ok(Some(value_node(f, kind, test)?))
            }
            Some((f, None)) => Err(QueryError(format!("undefined field {f}"))),
        }
    }

    /// `[lo TO hi]` / `{lo TO hi}` on `field`.
    fn range(&mut self, field: &str) -> Result<Node, QueryError> {
        let Some(Token::RangeOpen(lo_incl)) = self.next() else {
            return Err(QueryError("expected a range".into()));
        };
        let lo = self.range_end()?;
        match self.next() {
            Some(Token::Word { raw, .. }) if raw == "TO" => {}
            _ => {
                return Err(QueryError(format!(
                    "a range on {field} must read [lower TO upper]"
                )));
            }
        }
        let hi = self.range_end()?;
        let Some(Token::RangeClose(hi_incl)) = self.next() else {
            return Err(QueryError(format!("unclosed range on {field}")));
        };
        let kind =
            fields::kind(field).ok_or_else(|| QueryError(format!("undefined field {field}")))?;
        if kind == FieldKind::Text {
            return Err(QueryError(format!(
                "ranges on the full-text field {field} are not supported"
            )));
        }
        let test = match (&lo, &hi) {
            (None, None) => ValueTest::Any,
            _ => ValueTest::Range {
                lo,
                hi,
                lo_incl,
                hi_incl,
            },
        };
        value_node(field, kind, test)
    }

    fn range_end(&mut self) -> Result<Option<String>, QueryError> {
        match self.next() {
            Some(Token::Word { text, .. }) if text == "*" => Ok(None),
            Some(Token::Word { text, .. }) => Ok(Some(text.replace('\u{1}', "*"))),
            Some(Token::Phrase(p)) => Ok(Some(p)),
            _ => Err(QueryError("a range end is missing".into())),
        }
    }
}

/// A full-text node for `text` in `field` (or the default field); `None` when the text
/// has no words.
fn text_node(field: Option<&str>, text: &str, prefix: bool) -> Option<Node> {
    let words = fields::words(text);
    if words.is_empty() {
        return None;
    }
    Some(Node::Text(TextTest {
        field: field.map(str::to_string),
        words,
        prefix,
    }))
}

/// A value node, with the value checked and normalised for the field's kind.
fn value_node(field: &str, kind: FieldKind, test: ValueTest) -> Result<Node, QueryError> {
    let norm = |v: String| -> Result<String, QueryError> {
        match kind {
            FieldKind::Date => parse_date(&v)
                .map_err(|why| QueryError(format!("{field}: '{v}' is not a date ({why})"))),
            FieldKind::Long => v
                .parse::<i64>()
                .map(|n| n.to_string())
                .map_err(|_| QueryError(format!("{field}: '{v}' is not a number"))),
            _ => Ok(v),
        }
    };
    let test = match test {
        ValueTest::Eq(v) => ValueTest::Eq(norm(v)?),
        ValueTest::Prefix(p) => {
            if kind != FieldKind::Str {
                return Err(QueryError(format!(
                    "wildcards on the {} field {field} are not supported",
                    if kind == FieldKind::Date {
                        "date"
                    } else {
                        "number"
                    }
                )));
            }
            ValueTest::Prefix(p)
        }
        ValueTest::Any => ValueTest::Any,
        ValueTest::Range {
            lo,
            hi,
            lo_incl,
            hi_incl,
        } => ValueTest::Range {
            lo: lo.map(norm).transpose()?,
            hi: hi.map(norm).transpose()?,
            lo_incl,
            hi_incl,
        },
    };
    Ok(Node::Value {
        field: field.to_string(),
        test,
    })
}

/// A Solr date (`2020-01-01T00:00:00Z`, a bare `2020-01-01`, or date math from `NOW`) as
/// `yyyy-MM-ddTHH:mm:ssZ`.
pub(crate) fn parse_date(v: &str) -> Result<String, String> {
    if let Some(math) = v.strip_prefix("NOW") {
        return now_math(OffsetDateTime::now_utc(), math);
    }
    let fmt = time::format_description::well_known::Rfc3339;
    if let Ok(t) = OffsetDateTime::parse(v, &fmt) {
        return Ok(crate::store::time_fmt::iso(t));
    }
    let b = v.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && v.chars().filter(char::is_ascii_digit).count() == 8
    {
        return Ok(format!("{v}T00:00:00Z"));
    }
    Err("expected yyyy-MM-ddTHH:mm:ssZ or NOW".into())
}

/// Apply Solr date math (`-1YEAR`, `+7DAYS`, `/DAY`, in sequence) to `now`.
fn now_math(now: OffsetDateTime, mut math: &str) -> Result<String, String> {
    let mut t = now;
    while !math.is_empty() {
        let op = math.as_bytes()[0];
        math = &math[1..];
        let digits = math.chars().take_while(char::is_ascii_digit).count();
        let n: i64 = if op == b'/' {
            0
        } else {
            math[..digits]
                .parse()
                .map_err(|_| "date math needs a number after + or -".to_string())?
        };
        math = &math[if op == b'/' { 0 } else { digits }..];
        let unit_len = math.chars().take_while(char::is_ascii_uppercase).count();
        let unit = math[..unit_len].trim_end_matches('S');
        math = &math[unit_len..];
        t = match op {
            b'+' | b'-' => {
                let n = if op == b'-' { -n } else { n };
                match unit {
                    "YEAR" => t
                        .replace_year(t.year() + n as i32)
                        .map_err(|e| e.to_string())?,
                    "MONTH" => add_months(t, n)?,
                    "DAY" => t + Duration::days(n),
                    "HOUR" => t + Duration::hours(n),
                    "MINUTE" => t + Duration::minutes(n),
                    "SECOND" => t + Duration::seconds(n),
                    other => return Err(format!("unknown date math unit '{other}'")),
                }
            }
            b'/' => {
                let day = t.replace_time(time::Time::MIDNIGHT);
                match unit {
                    "YEAR" => day
                        .replace_month(time::Month::January)
                        .and_then(|d| d.replace_day(1))
                        .map_err(|e| e.to_string())?,
                    "MONTH" => day.replace_day(1).map_err(|e| e.to_string())?,
                    "DAY" => day,
                    "HOUR" => t
                        .replace_minute(0)
                        .and_then(|d| d.replace_second(0))
                        .map_err(|e| e.to_string())?,
                    other => return Err(format!("unknown date rounding unit '{other}'")),
                }
            }
            _ => return Err(format!("unexpected '{}' in date math", op as char)),
        };
    }
    Ok(crate::store::time_fmt::iso(t))
}

fn add_months(t: OffsetDateTime, n: i64) -> Result<OffsetDateTime, String> {
    let total = t.year() as i64 * 12 + (t.month() as i64 - 1) + n;
    let (year, month0) = (total.div_euclid(12) as i32, total.rem_euclid(12) as u8);
    let month = time::Month::try_from(month0 + 1).map_err(|e| e.to_string())?;
    let day = t.day().min(time::util::days_in_month(month, year));
    t.replace_day(1)
        .and_then(|d| d.replace_year(year))
        .and_then(|d| d.replace_month(month))
        .and_then(|d| d.replace_day(day))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Node {
        super::fields::init(&crate::blocks::Blocks::load().unwrap());
        parse(text, Source::Q).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn term(w: &str) -> Node {
        Node::Text(TextTest {
            field: None,
            words: vec![w.into()],
            prefix: false,
        })
    }

    #[test]
    fn terms_combine_as_lucene_does() {
        assert_eq!(q("finch"), term("finch"));
        assert_eq!(q("*"), Node::All);
        assert_eq!(q("*:*"), Node::All);
        assert_eq!(
            q("finch darwin"),
            Node::Bool(vec![
                (Occur::Should, term("finch")),
                (Occur::Should, term("darwin"))
            ])
        );
        assert_eq!(
            q("finch AND darwin"),
            Node::Bool(vec![
                (Occur::Must, term("finch")),
                (Occur::Must, term("darwin"))
            ])
        );
        assert_eq!(
            q("a OR b AND c"),
            Node::Bool(vec![
                (Occur::Should, term("a")),
                (Occur::Must, term("b")),
                (Occur::Must, term("c"))
            ])
        );
        assert_eq!(
            q("+finch -darwin"),
            Node::Bool(vec![
                (Occur::Must, term("finch")),
                (Occur::MustNot, term("darwin"))
            ])
        );
        assert_eq!(
            q("NOT darwin"),
            Node::Bool(vec![(Occur::MustNot, term("darwin"))])
        );
        assert_eq!(q("!darwin"), q("-darwin"));
        assert_eq!(q("finch && darwin"), q("finch AND darwin"));
        assert_eq!(q("finch || darwin"), q("finch OR darwin"));
        assert_eq!(q("(finch)"), term("finch"));
        // A hyphen inside a word is not an operator.
        assert_eq!(
            q("e-mail"),
            Node::Text(TextTest {
                field: None,
                words: vec!["e".into(), "mail".into()],
                prefix: false
            })
        );
    }

    #[test]
    fn fields_phrases_wildcards_and_ranges() {
        assert_eq!(
            q("title:\"Darwin's Finches\""),
            Node::Text(TextTest {
                field: Some("title".into()),
                words: vec!["darwin".into(), "s".into(), "finches".into()],
                prefix: false
            })
        );
        assert_eq!(
            q("title:dar*"),
            Node::Text(TextTest {
                field: Some("title".into()),
                words: vec!["dar".into()],
                prefix: true
            })
        );
        assert_eq!(
            q("publicationStatus:Published"),
            Node::Value {
                field: "publicationStatus".into(),
                test: ValueTest::Eq("Published".into())
            }
        );
        assert_eq!(
            q("fileContentType:image/*"),
            Node::Value {
                field: "fileContentType".into(),
                test: ValueTest::Prefix("image/".into())
            }
        );
        assert_eq!(q("title:*"), Node::Has("title".into()));
        assert_eq!(
            q("dateSort:[2020-01-01T00:00:00Z TO *]"),
            Node::Value {
                field: "dateSort".into(),
                test: ValueTest::Range {
                    lo: Some("2020-01-01T00:00:00Z".into()),
                    hi: None,
                    lo_incl: true,
                    hi_incl: true
                }
            }
        );
        assert_eq!(
            q("entityId:{5 TO 10]"),
            Node::Value {
                field: "entityId".into(),
                test: ValueTest::Range {
                    lo: Some("5".into()),
                    hi: Some("10".into()),
                    lo_incl: false,
                    hi_incl: true
                }
            }
        );
        assert_eq!(
            q("dvObjectType:(datasets OR files)"),
            Node::Bool(vec![
                (
                    Occur::Should,
                    Node::Value {
                        field: "dvObjectType".into(),
                        test: ValueTest::Eq("datasets".into())
                    }
                ),
                (
                    Occur::Should,
                    Node::Value {
                        field: "dvObjectType".into(),
                        test: ValueTest::Eq("files".into())
                    }
                )
            ])
        );
        // A bare PID is text (Dataverse escapes the colon after doi).
        assert_eq!(
            q("doi:10.5072/FK2/ABC"),
            Node::Text(TextTest {
                field: None,
                words: vec![
                    "doi".into(),
                    "10".into(),
                    "5072".into(),
                    "fk2".into(),
                    "abc".into()
                ],
                prefix: false
            })
        );
        // An unknown field in q is text (edismax); in fq it is refused.
        assert!(matches!(q("nosuchfield:x"), Node::Text(_)));
        assert!(parse("nosuchfield:x", Source::Fq).is_err());
        // Boosts are accepted and ignored.
        assert_eq!(q("finch^2"), term("finch"));
    }

    #[test]
    fn unsupported_syntax_is_refused_with_a_reason() {
        super::fields::init(&crate::blocks::Blocks::load().unwrap());
        for (text, needle) in [
            ("finch~", "fuzzy"),
            ("\"darwin finch\"~3", "proximity"),
            ("/fin.h/", "regular expressions"),
            ("*inch", "end of a term"),
            ("fi?ch", "end of a term"),
            ("{!join from=a to=b}x", "local parameters"),
            ("(finch", "parenthesis"),
            ("finch)", "unexpected ')'"),
            ("\"finch", "quote"),
            ("dateSort:[2020 TO", "unclosed range"),
            ("dateSort:[yesterday TO NOW]", "not a date"),
            ("entityId:abc", "not a number"),
            ("title:[a TO b]", "full-text"),
            ("title:", "no value"),
            ("finch AND", "ends where a term"),
        ] {
            let err = parse(text, Source::Q).expect_err(text);
            assert!(err.0.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn date_math() {
        let now = OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(); // 2026-01-01
        assert_eq!(now_math(now, "").unwrap(), "2026-01-01T00:00:00Z");
        assert_eq!(now_math(now, "-1YEAR").unwrap(), "2025-01-01T00:00:00Z");
        assert_eq!(now_math(now, "-1MONTH").unwrap(), "2025-12-01T00:00:00Z");
        assert_eq!(now_math(now, "+7DAYS/DAY").unwrap(), "2026-01-08T00:00:00Z");
        assert!(now_math(now, "-1FORTNIGHT").is_err());
        assert_eq!(parse_date("2020-05-01").unwrap(), "2020-05-01T00:00:00Z");
        assert_eq!(
            parse_date("2020-05-01T10:00:00.5Z").unwrap(),
            "2020-05-01T10:00:00Z"
        );
    }
}
