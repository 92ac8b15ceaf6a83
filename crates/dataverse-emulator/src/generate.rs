//! A deterministic generator of published collections and datasets, for demos and load
//! tests: `collections=N,datasets=M,depth=D[,seed=S]`.
//!
//! Everything (aliases, names, ids on a fresh store, PIDs, metadata, timestamps) derives
//! from the seed through a splitmix64 stream, so the same spec on a fresh data directory
//! always produces the same objects. All rows go in through one transaction and prepared
//! statements.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use rusqlite::{Connection, params};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::Error;
use crate::blocks::Blocks;
use crate::model::VersionState;
use crate::store::collections::{self, NewCollection};
use crate::store::{ADMIN_USERNAME, time_fmt, users};

/// What to generate (see the module docs for the text form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateSpec {
    /// Number of published collections to add.
    pub collections: usize,
    /// Number of published datasets to add (spread over the new collections, or root).
    pub datasets: usize,
    /// Number of collection levels below root (every level populated when
    /// `collections >= depth`).
    pub depth: usize,
    /// Seed of the pseudo-random stream.
    pub seed: u64,
}

/// What [`crate::Emulator::generate`] added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Collections created.
    pub collections: usize,
    /// Datasets created (one published version 1.0 each).
    pub datasets: usize,
    /// Deepest collection level created below root (0 when no collections).
    pub max_depth: usize,
    /// Time spent bringing the search index up to date with what was added.
    pub index_time: std::time::Duration,
    /// Search documents written.
    pub indexed: usize,
}

impl fmt::Display for GenerateSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} collections (max depth {}), {} datasets; search index: {} documents in {:.2} s",
            self.collections,
            self.max_depth,
            self.datasets,
            self.indexed,
            self.index_time.as_secs_f64()
        )
    }
}

impl FromStr for GenerateSpec {
    type Err = String;

    /// Parse `collections=N,datasets=M,depth=D[,seed=S]` (keys in any order; seed
    /// defaults to 1).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut collections = None;
        let mut datasets = None;
        let mut depth = None;
        let mut seed = None;
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(format!(
                    "expected key=value, got '{part}' (format: collections=N,datasets=M,depth=D[,seed=S])"
                ));
            };
            let (key, value) = (key.trim(), value.trim());
            let number = |what: &str| {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("'{what}' must be a non-negative integer, got '{value}'"))
            };
            let as_usize = |n: u64, what: &str| {
                usize::try_from(n).map_err(|_| format!("'{what}' is too large: {n}"))
            };
            match key {
                "collections" => collections = Some(as_usize(number(key)?, key)?),
                "datasets" => datasets = Some(as_usize(number(key)?, key)?),
                "depth" => depth = Some(as_usize(number(key)?, key)?),
                "seed" => seed = Some(number(key)?),
                other => {
                    return Err(format!(
                        "unknown key '{other}' (expected collections, datasets, depth, seed)"
                    ));
                }
            }
        }
        let missing =
            |k: &str| format!("missing '{k}' (format: collections=N,datasets=M,depth=D[,seed=S])");
        let spec = GenerateSpec {
            collections: collections.ok_or_else(|| missing("collections"))?,
            datasets: datasets.ok_or_else(|| missing("datasets"))?,
            depth: depth.ok_or_else(|| missing("depth"))?,
            seed: seed.unwrap_or(1),
        };
        if spec.collections > 0 && spec.depth == 0 {
            return Err("'depth' must be at least 1 when collections > 0".to_string());
        }
        Ok(spec)
    }
}

/// splitmix64: a tiny, good-enough seeded PRNG.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ADJECTIVES: [&str; 16] = [
    "Coastal",
    "Urban",
    "Arctic",
    "Tropical",
    "Longitudinal",
    "Comparative",
    "Regional",
    "Historical",
    "Experimental",
    "Applied",
    "Computational",
    "Rural",
    "Global",
    "Alpine",
    "Marine",
    "Quantitative",
];
const TOPICS: [&str; 16] = [
    "Ecology",
    "Economics",
    "Genomics",
    "Linguistics",
    "Hydrology",
    "Epidemiology",
    "Astronomy",
    "Sociology",
    "Seismology",
    "Chemistry",
    "Archaeology",
    "Neuroscience",
    "Climatology",
    "Demography",
    "Oceanography",
    "Education",
];
const UNITS: [&str; 8] = [
    "Lab",
    "Group",
    "Institute",
    "Project",
    "Center",
    "Collective",
    "Observatory",
    "Archive",
];
const THINGS: [&str; 12] = [
    "Survey",
    "Measurements",
    "Observations",
    "Interviews",
    "Samples",
    "Simulations",
    "Time Series",
    "Field Notes",
    "Census Records",
    "Sensor Readings",
    "Transcripts",
    "Experiments",
];
const PLACES: [&str; 12] = [
    "the Galápagos",
    "Lake Victoria",
    "the Andes",
    "Boston",
    "the Baltic Sea",
    "Patagonia",
    "the Sahel",
    "Hokkaido",
    "the Great Plains",
    "Tasmania",
    "the Rhine Valley",
    "Svalbard",
];
const FIRST: [&str; 16] = [
    "Fiona", "Ahmed", "Mei", "Carlos", "Ingrid", "Kwame", "Priya", "Lucas", "Sofia", "Tomasz",
    "Aiko", "Omar", "Elena", "Jonas", "Amara", "Diego",
];
const LAST: [&str; 16] = [
    "Finch", "Haddad", "Chen", "Rivera", "Larsen", "Mensah", "Iyer", "Moreau", "Rossi", "Nowak",
    "Tanaka", "Farouk", "Petrova", "Berg", "Okafor", "Silva",
];
const INSTITUTIONS: [&str; 8] = [
    "Birds Inc.",
    "Harvard University",
    "University of Oslo",
    "Universidad de Chile",
    "Kyoto University",
    "University of Nairobi",
    "ETH Zürich",
    "McGill University",
];
const KEYWORDS: [&str; 16] = [
    "climate",
    "biodiversity",
    "migration",
    "inequality",
    "sediment",
    "genome",
    "survey data",
    "remote sensing",
    "language change",
    "public health",
    "water quality",
    "urbanization",
    "time series",
    "fieldwork",
    "simulation",
    "open data",
];

/// Base of generated timestamps: 2020-01-01T00:00:00Z.
const EPOCH_2020: i64 = 1_577_836_800;
/// Five years of seconds.
const SPAN: u64 = 5 * 365 * 86_400;

fn iso_at(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs)
        .map(time_fmt::iso)
        .unwrap_or_else(|_| "2020-01-01T00:00:00Z".to_string())
}

fn prim(name: &str, value: &str) -> Value {
    json!({"typeName": name, "multiple": false, "typeClass": "primitive", "value": value})
}

fn compound(name: &str, values: Vec<Value>) -> Value {
    json!({"typeName": name, "multiple": true, "typeClass": "compound", "value": values})
}

const BASE36: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Run the generator in one transaction (see [`crate::Emulator::generate`]).
pub(crate) fn run(
    conn: &mut Connection,
    blocks: &Blocks,
    spec: &GenerateSpec,
) -> Result<GenerateSummary, Error> {
    if spec.collections > 0 && spec.depth == 0 {
        return Err(Error::Generate(
            "depth must be at least 1 when collections > 0".into(),
        ));
    }
    let subjects: Vec<String> = blocks
        .find("citation")
        .and_then(|b| b.field("subject"))
        .map(|f| f.cv_values.clone())
        .unwrap_or_else(|| vec!["Other".to_string()]);
    let mut rng = Rng(spec.seed);
    let tag: String = {
        let mut t = Rng(spec.seed ^ 0xD1B5_4A32_D192_ED03);
        (0..4)
            .map(|_| BASE36[t.below(36)].to_ascii_lowercase() as char)
            .collect()
    };

    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let root = collections::root(&tx)?.ok_or_else(|| Error::Store("no root collection".into()))?;
    let admin = users::by_identifier(&tx, ADMIN_USERNAME)?
        .ok_or_else(|| Error::Store("admin user missing".into()))?;

    // Collections, level by level.
    let levels = if spec.collections >= spec.depth {
        spec.depth
    } else {
        spec.collections
    };
    let mut by_level: Vec<Vec<i64>> = vec![Vec::new(); levels];
    let mut all_collections = Vec::with_capacity(spec.collections.min(1 << 16));
    for i in 0..spec.collections {
        let level = if spec.collections >= spec.depth {
            i * spec.depth / spec.collections
        } else {
            i
        };
        let owner_id = if level == 0 {
            root.id
        } else {
            let parents = &by_level[level - 1];
            parents[rng.below(parents.len())]
        };
        let topic = rng.pick(&TOPICS);
        let alias = format!("{}-{tag}-{}", topic.to_ascii_lowercase(), i + 1);
        if collections::alias_taken(&tx, &alias, None)? {
            return Err(Error::Generate(format!(
                "a collection with alias {alias} already exists (was seed {} already generated here?)",
                spec.seed
            )));
        }
        let name = format!("{} {} {}", rng.pick(&ADJECTIVES), topic, rng.pick(&UNITS));
        let contact = format!(
            "{}.{}@example.edu",
            rng.pick(&FIRST).to_ascii_lowercase(),
            rng.pick(&LAST).to_ascii_lowercase()
        );
        let types = &collections::DATAVERSE_TYPES;
        let dtype = types[rng.below(types.len())].to_string();
        let created = iso_at(EPOCH_2020 + (rng.next() % SPAN) as i64);
        let new = NewCollection {
            alias,
            name: name.clone(),
            affiliation: Some(rng.pick(&INSTITUTIONS).to_string()),
            description: Some(format!("Research data of the {name}.")),
            dataverse_type: dtype,
            owner_id,
            creator_id: Some(admin.id),
            creation_date: created,
            permission_root: true,
            facet_root: false,
            contacts: vec![contact],
            released: true,
        };
        let id = collections::insert(&tx, &new)?;
        by_level[level].push(id);
        all_collections.push(id);
    }

    // Datasets.
    let mut taken: HashSet<String> = HashSet::new();
    {
        let mut stmt = tx.prepare("SELECT identifier FROM datasets WHERE authority = '10.5072'")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for r in rows {
            taken.insert(r?.to_ascii_uppercase());
        }
    }
    let mut ds_stmt = tx.prepare(
        "INSERT INTO datasets (id, owner_id, protocol, authority, identifier, storage_identifier,
             created, publication_date, dataset_type, creator_id)
         VALUES (?1, ?2, 'doi', '10.5072', ?3, ?4, ?5, ?6, 'dataset', ?7)",
    )?;
    let mut v_stmt = tx.prepare(
        "INSERT INTO dataset_versions (dataset_id, version_number, minor_version_number, state,
             internal_version, metadata_blocks, license_name, license_uri, terms,
             file_access_request, create_time, last_update_time, release_time)
         VALUES (?1, 1, 0, ?5, 2, ?2, 'CC0 1.0',
             'http://creativecommons.org/publicdomain/zero/1.0', '{}', 1, ?3, ?4, ?4)",
    )?;
    let mut dv_stmt = tx.prepare("INSERT INTO dvobjects (dtype) VALUES ('Dataset')")?;
    for _ in 0..spec.datasets {
        let owner = if all_collections.is_empty() {
            root.id
        } else {
            all_collections[rng.below(all_collections.len())]
        };
        let identifier = loop {
            let s: String = (0..6).map(|_| BASE36[rng.below(36)] as char).collect();
            let candidate = format!("FK2/{s}");
            if taken.insert(candidate.clone()) {
                break candidate;
            }
        };
        let created_secs = EPOCH_2020 + (rng.next() % SPAN) as i64;
        let released_secs = created_secs + 3600 + (rng.next() % (30 * 86_400)) as i64;
        let created = iso_at(created_secs);
        let released = iso_at(released_secs);
        let blocks_json = citation(&mut rng, &subjects, &created);

        dv_stmt.execute([])?;
        let id = tx.last_insert_rowid();
        ds_stmt.execute(params![
            id,
            owner,
            identifier,
            format!("file://10.5072/{identifier}"),
            created,
            released,
            admin.id,
        ])?;
        v_stmt.execute(params![
            id,
            blocks_json,
            created,
            released,
            VersionState::Released
        ])?;
    }
    drop(ds_stmt);
    drop(v_stmt);
    drop(dv_stmt);
    tx.commit()?;
    // Fold the large write into the main file now, so the WAL does not stay hundreds of MB.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(GenerateSummary {
        collections: spec.collections,
        datasets: spec.datasets,
        max_depth: levels,
        index_time: std::time::Duration::ZERO,
        indexed: 0,
    })
}

/// Wire-form `metadataBlocks` text with realistic citation fields.
fn citation(rng: &mut Rng, subjects: &[String], created: &str) -> String {
    let thing = rng.pick(&THINGS);
    let title = format!(
        "{} {} of {}",
        rng.pick(&ADJECTIVES),
        thing,
        rng.pick(&PLACES)
    );
    let n_authors = 1 + rng.below(3);
    let authors: Vec<(String, &str)> = (0..n_authors)
        .map(|_| {
            (
                format!("{}, {}", rng.pick(&LAST), rng.pick(&FIRST)),
                rng.pick(&INSTITUTIONS),
            )
        })
        .collect();
    let author_values: Vec<Value> = authors
        .iter()
        .map(|(name, aff)| {
            json!({
                "authorName": prim("authorName", name),
                "authorAffiliation": prim("authorAffiliation", aff),
            })
        })
        .collect();
    let (contact_name, _) = &authors[0];
    let email = format!(
        "{}@example.edu",
        contact_name
            .split(',')
            .next()
            .unwrap_or("contact")
            .to_ascii_lowercase()
    );
    let contact = json!({
        "datasetContactName": prim("datasetContactName", contact_name),
        "datasetContactEmail": prim("datasetContactEmail", &email),
    });
    let description = format!(
        "{thing} collected in {} between {} and {}, with documentation of methods and instruments.",
        rng.pick(&PLACES),
        2000 + rng.below(15),
        2015 + rng.below(9)
    );
    let mut subject: Vec<&str> = vec![subjects[rng.below(subjects.len())].as_str()];
    let second = subjects[rng.below(subjects.len())].as_str();
    if rng.below(2) == 0 && second != subject[0] {
        subject.push(second);
    }
    let n_kw = 1 + rng.below(3);
    let mut keywords: Vec<&str> = Vec::with_capacity(n_kw);
    for _ in 0..n_kw {
        let k = rng.pick(&KEYWORDS);
        if !keywords.contains(&k) {
            keywords.push(k);
        }
    }
    let production = created.get(..10).unwrap_or("2020-01-01");
    let fields = vec![
        prim("title", &title),
        compound("author", author_values),
        compound("datasetContact", vec![contact]),
        compound(
            "dsDescription",
            vec![json!({"dsDescriptionValue": prim("dsDescriptionValue", &description)})],
        ),
        json!({"typeName": "subject", "multiple": true, "typeClass": "controlledVocabulary", "value": subject}),
        compound(
            "keyword",
            keywords
                .iter()
                .map(|k| json!({"keywordValue": prim("keywordValue", k)}))
                .collect(),
        ),
        prim("productionDate", production),
        prim("distributionDate", production),
    ];
    json!({"citation": {"displayName": "Citation Metadata", "name": "citation", "fields": fields}})
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let s: GenerateSpec = "collections=3, datasets=10,depth=2,seed=7".parse().unwrap();
        assert_eq!(
            s,
            GenerateSpec {
                collections: 3,
                datasets: 10,
                depth: 2,
                seed: 7
            }
        );
        assert_eq!(
            "datasets=1,depth=1,collections=0"
                .parse::<GenerateSpec>()
                .unwrap()
                .seed,
            1
        );
        for bad in [
            "",
            "collections=1,datasets=1",
            "collections=x,datasets=1,depth=1",
            "collections=1,datasets=1,depth=1,color=red",
            "collections=1,datasets=1,depth=0",
            "collections",
        ] {
            assert!(bad.parse::<GenerateSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rng_is_deterministic() {
        let mut a = Rng(42);
        let mut b = Rng(42);
        assert_eq!(a.next(), b.next());
        assert_ne!(Rng(1).next(), Rng(2).next());
    }
}
