//! Dataverse's HTML citations as terminal text: tags dropped, entities decoded
//! (`escapeHtml4`'s named ones and numeric references).

/// HTML 4 entity names of U+00A0..=U+00FF, in code point order.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// The character an entity name (without `&` and `;`) stands for.
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => num.parse().ok()?,
                };
                return char::from_u32(code);
            }
            let i = LATIN1.iter().position(|n| *n == name)?;
            char::from_u32(0xa0 + i as u32)
        }
    }
}

/// `html` as plain text: tags removed, entities decoded (unknown ones kept as written).
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => match rest.find('>') {
                Some(end) => rest = &rest[end + 1..],
                None => {
                    out.push_str(rest);
                    break;
                }
            },
            '&' => {
                let decoded = rest
                    .find(';')
                    .filter(|&end| end <= 10)
                    .and_then(|end| entity(&rest[1..end]).map(|ch| (ch, end)));
                match decoded {
                    Some((ch, end)) => {
                        out.push(ch);
                        rest = &rest[end + 1..];
                    }
                    None => {
                        out.push('&');
                        rest = &rest[1..];
                    }
                }
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn citations_become_text() {
        assert_eq!(
            to_text(
                "M&uuml;ller, Ana, 2026, \"Fish &amp; Chips\", <a href=\"https://doi.org/10.5072/FK2/A\" target=\"_blank\">https://doi.org/10.5072/FK2/A</a>, Root, V1"
            ),
            "Müller, Ana, 2026, \"Fish & Chips\", https://doi.org/10.5072/FK2/A, Root, V1"
        );
        assert_eq!(
            to_text("a &unknown; b &#233; &#x41; <"),
            "a &unknown; b é A <"
        );
    }
}
