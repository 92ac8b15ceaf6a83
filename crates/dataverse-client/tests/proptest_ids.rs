//! Property tests of the identifier and version parsers: no input makes them panic, every
//! failure is an `InvalidArgument`, and what they print parses back to the same value.
//!
//! Case counts are fixed so the pass is bounded in CI; the default seed handling of
//! proptest applies (set `PROPTEST_RNG_SEED` to replay a run).

use dataverse_client::ids::validate_alias;
use dataverse_client::{CollectionId, Error, PersistentOrId, Pid, Version};
use proptest::prelude::*;

const CASES: u32 = 2000;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Characters that matter to the parsers, plus a few awkward ones (multi-byte, controls).
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::sample::select(vec![
            ':', '/', '.', '-', '_', ' ', '\t', '\n', '0', '1', '9', 'a', 'Z', 'd', 'o', 'i', 'h',
            'l', 'p', 'e', 'r', 'm', '%', '?', '#', '\u{0}', '\u{7f}', 'é', 'ß', '\u{200b}', '😀',
        ]),
        1 => any::<char>(),
    ]
}

/// Strings built from the parsers' own vocabulary: prefixes they recognise followed by
/// pieces of identifiers, so the interesting branches are reached often.
fn near_identifier() -> impl Strategy<Value = String> {
    let prefix = proptest::sample::select(vec![
        "",
        ":root",
        "doi:",
        "DOI:",
        "doi:10.",
        "doi:10.5072/",
        "hdl:",
        "hdl:1902.1/",
        "perma:",
        "https://doi.org/",
        "HTTPS://DOI.ORG/10.",
        "http://doi.org/",
        "https://dx.doi.org/",
        "https://hdl.handle.net/",
        "http://hdl.handle.net/",
        ":latest",
        ":draft",
        ":latest-published",
        " ",
        "ar:",
    ]);
    let body = proptest::collection::vec(interesting_char(), 0..24)
        .prop_map(|cs| cs.into_iter().collect::<String>());
    (prefix, body).prop_map(|(p, b)| format!("{p}{b}"))
}

fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => near_identifier(),
        1 => any::<String>(),
        1 => "[0-9]{0,25}".prop_map(|s: String| s),
    ]
}

fn alias() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select("abcxyzABCXYZ0189_-".chars().collect::<Vec<_>>()),
        1..=60,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn collection_id() -> impl Strategy<Value = CollectionId> {
    prop_oneof![
        Just(CollectionId::Root),
        any::<u64>().prop_map(CollectionId::Id),
        // An all-digit alias prints as a number, so it is generated as an `Id` above.
        alias()
            .prop_filter("not all digits", |a| !a.bytes().all(|b| b.is_ascii_digit()))
            .prop_map(CollectionId::Alias),
    ]
}

fn pid_text() -> impl Strategy<Value = String> {
    let part = proptest::collection::vec(
        proptest::sample::select("abcXYZ0189./-_:~()".chars().collect::<Vec<_>>()),
        1..20,
    )
    .prop_map(|cs| cs.into_iter().collect::<String>());
    prop_oneof![
        ("[0-9]{1,6}", part.clone()).prop_map(|(p, s)| format!("doi:10.{p}/{s}")),
        (part.clone(), part.clone())
            .prop_filter("handle prefix without '/'", |(p, _)| !p.contains('/'))
            .prop_map(|(p, s)| format!("hdl:{p}/{s}")),
        part.prop_map(|s| format!("perma:{s}")),
    ]
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![
        Just(Version::Latest),
        Just(Version::LatestPublished),
        Just(Version::Draft),
        (any::<u32>(), any::<u32>()).prop_map(|(major, minor)| Version::Number { major, minor }),
    ]
}

fn is_invalid_argument<T>(r: &Result<T, Error>) -> bool {
    matches!(r, Ok(_) | Err(Error::InvalidArgument(_)))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parsers_never_panic_and_fail_only_as_invalid_argument(s in any_input()) {
        let c = CollectionId::parse(&s);
        prop_assert!(is_invalid_argument(&c), "{c:?}");
        if let Ok(c) = &c {
            let _ = c.segment();
        }
        let p = Pid::parse(&s);
        prop_assert!(is_invalid_argument(&p), "{p:?}");
        let id = PersistentOrId::parse(&s);
        prop_assert!(is_invalid_argument(&id), "{id:?}");
        if let Ok(id) = &id {
            let _ = (id.segment(), id.query());
        }
        let v = Version::parse(&s);
        prop_assert!(is_invalid_argument(&v), "{v:?}");
        let a = validate_alias(&s);
        prop_assert!(is_invalid_argument(&a), "{a:?}");
        // FromStr agrees with parse.
        prop_assert_eq!(s.parse::<Version>().ok(), v.ok());
    }

    #[test]
    fn an_accepted_alias_parses_as_a_collection(s in any_input()) {
        if validate_alias(&s).is_ok() {
            prop_assert!(!s.bytes().all(|b| b.is_ascii_digit()), "an all-digit alias was accepted");
            let c = CollectionId::parse(&s).expect("a valid alias is a valid collection id");
            prop_assert_eq!(c, CollectionId::Alias(s.clone()));
        }
    }

    #[test]
    fn collection_ids_round_trip(c in collection_id()) {
        let text = c.to_string();
        prop_assert_eq!(CollectionId::parse(&text).expect("own display parses"), c.clone());
        prop_assert_eq!(c.segment(), text);
    }

    #[test]
    fn pids_round_trip_and_canonicalise(text in pid_text()) {
        let pid = Pid::parse(&text).expect("generated PID parses");
        prop_assert_eq!(pid.as_str(), text.as_str());
        prop_assert_eq!(Pid::parse(&pid.to_string()).expect("own display parses"), pid.clone());
        // Resolver URLs and upper-case protocols give the same canonical PID.
        if let Some(rest) = text.strip_prefix("doi:") {
            prop_assert_eq!(Pid::parse(&format!("https://doi.org/{rest}")).expect("doi URL"), pid.clone());
            prop_assert_eq!(Pid::parse(&format!("DOI:{rest}")).expect("DOI:"), pid.clone());
        }
        if let Some(rest) = text.strip_prefix("hdl:") {
            prop_assert_eq!(Pid::parse(&format!("https://hdl.handle.net/{rest}")).expect("handle URL"), pid.clone());
        }
        let id = PersistentOrId::parse(&text).expect("a PID is an id");
        prop_assert_eq!(PersistentOrId::parse(&id.to_string()).expect("own display parses"), id.clone());
        prop_assert_eq!(id.segment(), ":persistentId");
        prop_assert_eq!(id.query(), Some(("persistentId", text.clone())));
    }

    #[test]
    fn canonical_pids_are_fixed_points(s in any_input()) {
        if let Ok(pid) = Pid::parse(&s) {
            prop_assert_eq!(Pid::parse(pid.as_str()).expect("canonical form parses"), pid);
        }
    }

    #[test]
    fn numeric_ids_round_trip(n in any::<u64>()) {
        let id = PersistentOrId::parse(&n.to_string()).expect("a number is an id");
        prop_assert_eq!(&id, &PersistentOrId::Id(n));
        prop_assert_eq!(id.to_string(), n.to_string());
        prop_assert_eq!(id.query(), None);
        let padded = format!("  {n} ");
        prop_assert_eq!(PersistentOrId::parse(&padded).expect("surrounding blanks are trimmed"), id);
    }

    #[test]
    fn versions_round_trip(v in version()) {
        let text = v.to_string();
        prop_assert_eq!(Version::parse(&text).expect("own display parses"), v);
        prop_assert_eq!(v.segment(), text);
    }

    #[test]
    fn a_bare_major_is_minor_zero(major in any::<u32>()) {
        prop_assert_eq!(Version::parse(&major.to_string()).expect("x parses"), Version::Number { major, minor: 0 });
    }
}
