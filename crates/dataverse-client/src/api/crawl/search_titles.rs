//! Dataset titles from the search index, for a crawl: which source to use, the query that
//! lists a subtree's datasets, and which search card stands for a dataset's `:latest`
//! version.

use std::collections::HashMap;
use std::str::FromStr;

use serde::Serialize;

use crate::api::search::{MAX_PER_PAGE, SearchQuery};
use crate::error::{Error, Result};
use crate::models::datasets::VersionState;
use crate::models::search::{PublicationStatus, SearchDataset, SearchItem};

/// Where a crawl with titles gets them.
///
/// A search page of 1,000 datasets replaces 1,000 version reads, so on a tree of D
/// datasets [`Search`](Self::Search) costs about D / 1000 requests instead of D. The price:
/// titles are as fresh as the installation's search index (Dataverse indexes a write
/// within seconds, but a dataset edited a moment ago can still show its old title).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TitleSource {
    /// Search where the server has a search index; where the search fails (a 404 where
    /// there is none, a 400 or 5xx from a broken search service, a 401 where search needs a
    /// token the caller has not set, a timeout), read versions instead, as for every
    /// dataset the search did not return.
    #[default]
    Auto,
    /// Search; a failed search fails the crawl (or, with `continue_on_error`, is reported
    /// and the titles are read from versions). Datasets the search did not return are
    /// still read from versions.
    Search,
    /// One `GET /api/datasets/{id}/versions/:latest` per dataset.
    Versions,
}

impl FromStr for TitleSource {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(TitleSource::Auto),
            "search" => Ok(TitleSource::Search),
            "versions" | "version" => Ok(TitleSource::Versions),
            other => Err(Error::InvalidArgument(format!(
                "'{other}' is not a title source; expected auto, search or versions"
            ))),
        }
    }
}

/// The query listing every dataset below `subtree` (the whole installation for `None`),
/// one page of [`MAX_PER_PAGE`] from `start`.
pub(super) fn page_query(subtree: Option<&str>, start: u64) -> SearchQuery {
    let mut query = SearchQuery::new("*")
        .type_("dataset")
        .per_page(MAX_PER_PAGE)
        .start(start)
        .show_entity_ids(true);
    if let Some(alias) = subtree {
        query = query.subtree(alias);
    }
    query
}

/// A title and its version label, as a search card shows them.
#[derive(Debug, Clone, PartialEq)]
struct Card {
    title: String,
    version: String,
    draft: bool,
}

impl Card {
    /// The card's title and version, when it names a draft or a published version
    /// unambiguously. A deaccessioned card, one without a title, and a published card
    /// without its version numbers (older servers) say nothing usable: the dataset's title
    /// is then read from its version instead.
    fn of(d: &SearchDataset) -> Option<Card> {
        let title = d.name.as_deref().filter(|t| !t.is_empty())?.to_string();
        let statuses = d.publication_statuses.as_deref().unwrap_or_default();
        let has = |s: &PublicationStatus| statuses.contains(s);
        if has(&PublicationStatus::Deaccessioned) {
            return None;
        }
        let draft = match &d.version_state {
            Some(VersionState::Draft) => true,
            Some(VersionState::Released) => false,
            Some(_) => return None,
            None => has(&PublicationStatus::Draft),
        };
        let version = if draft {
            "DRAFT".to_string()
        } else {
            format!("{}.{}", d.major_version?, d.minor_version?)
        };
        Some(Card {
            title,
            version,
            draft,
        })
    }
}

/// The titles a search found, by dataset id and by PID.
///
/// Dataverse indexes a dataset's draft and its published version as two cards; a user who
/// may see the draft gets both, a guest only the published one. A crawl's version reads ask
/// for `:latest`, which is the draft when the caller may see it, else the latest published
/// version: so a draft card wins over a published one.
#[derive(Debug, Default)]
pub(super) struct SearchTitles {
    by_id: HashMap<u64, Card>,
    by_pid: HashMap<String, Card>,
}

impl SearchTitles {
    /// Take in one page's items (datasets only; others are ignored).
    pub(super) fn add_page(&mut self, items: &[SearchItem]) {
        for item in items {
            let SearchItem::Dataset(d) = item else {
                continue;
            };
            let Some(card) = Card::of(d) else { continue };
            if let Some(id) = d.entity_id {
                keep_better(&mut self.by_id, id, card.clone());
            }
            if let Some(pid) = d.global_id.as_deref().filter(|p| !p.is_empty()) {
                keep_better(&mut self.by_pid, pid.to_ascii_uppercase(), card);
            }
        }
    }

    /// The title and version label of a dataset, by its id (or its PID when the server
    /// sent no entity ids).
    pub(super) fn get(&self, id: u64, pid: Option<&str>) -> Option<(String, String)> {
        let card = self.by_id.get(&id).or_else(|| {
            if self.by_id.is_empty() {
                self.by_pid.get(&pid?.to_ascii_uppercase())
            } else {
                None
            }
        })?;
        Some((card.title.clone(), card.version.clone()))
    }
}

fn keep_better<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Card>, key: K, card: Card) {
    match map.get(&key) {
        Some(old) if old.draft || !card.draft => {}
        _ => {
            map.insert(key, card);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dataset(card: serde_json::Value) -> SearchItem {
        let mut card = card;
        card["type"] = json!("dataset");
        SearchItem::from_value(card)
    }

    #[test]
    fn title_sources_parse() {
        assert_eq!(
            "Search".parse::<TitleSource>().unwrap(),
            TitleSource::Search
        );
        assert_eq!(
            "versions".parse::<TitleSource>().unwrap(),
            TitleSource::Versions
        );
        assert_eq!("auto".parse::<TitleSource>().unwrap(), TitleSource::Auto);
        assert!("solr".parse::<TitleSource>().is_err());
        assert_eq!(TitleSource::default(), TitleSource::Auto);
    }

    #[test]
    fn the_page_query_lists_datasets_of_the_subtree_with_ids() {
        let api = crate::NativeApi::new("https://demo.dataverse.org").unwrap();
        let url = api.url_for(&page_query(Some("birds"), 2000).request());
        assert_eq!(
            url.as_str(),
            "https://demo.dataverse.org/api/search?q=*&type=dataset&subtree=birds\
             &per_page=1000&start=2000&show_entity_ids=true"
        );
        let url = api.url_for(&page_query(None, 0).request());
        assert!(!url.as_str().contains("subtree"));
    }

    #[test]
    fn a_draft_card_wins_over_the_published_one_in_either_order() {
        let published = dataset(json!({"name": "Old title", "entity_id": 7,
            "global_id": "doi:10.5072/FK2/AAA", "versionState": "RELEASED",
            "majorVersion": 2, "minorVersion": 1, "publicationStatuses": ["Published"]}));
        let draft = dataset(json!({"name": "New title", "entity_id": 7,
            "global_id": "doi:10.5072/FK2/AAA", "versionState": "DRAFT",
            "publicationStatuses": ["Draft"]}));
        for page in [
            vec![published.clone(), draft.clone()],
            vec![draft.clone(), published.clone()],
        ] {
            let mut titles = SearchTitles::default();
            titles.add_page(&page);
            assert_eq!(
                titles.get(7, None),
                Some(("New title".into(), "DRAFT".into()))
            );
        }
        let mut guest = SearchTitles::default();
        guest.add_page(&[published]);
        assert_eq!(
            guest.get(7, Some("doi:10.5072/FK2/AAA")),
            Some(("Old title".into(), "2.1".into()))
        );
        assert_eq!(guest.get(8, Some("doi:10.5072/FK2/AAA")), None);
    }

    #[test]
    fn unusable_cards_are_left_to_version_reads() {
        let mut titles = SearchTitles::default();
        titles.add_page(&[
            // Deaccessioned.
            dataset(
                json!({"name": "Gone", "entity_id": 1, "versionState": "DEACCESSIONED",
                "publicationStatuses": ["Deaccessioned"]}),
            ),
            // No title indexed.
            dataset(json!({"name": "", "entity_id": 2, "versionState": "DRAFT"})),
            // Published without version numbers.
            dataset(json!({"name": "Which version?", "entity_id": 3,
                "publicationStatuses": ["Published"]})),
            // A file and a collection.
            SearchItem::from_value(json!({"type": "file", "name": "a.csv", "entity_id": 4})),
            SearchItem::from_value(json!({"type": "dataverse", "name": "C", "entity_id": 5})),
        ]);
        for id in 1..=5 {
            assert_eq!(titles.get(id, None), None, "{id}");
        }
        assert!(titles.by_id.is_empty() && titles.by_pid.is_empty());
    }

    #[test]
    fn older_servers_match_by_pid_and_status() {
        // Dataverse 4.x: no entity ids, no versionState; Draft in publicationStatuses.
        let mut titles = SearchTitles::default();
        titles.add_page(&[
            dataset(
                json!({"name": "Draft one", "global_id": "doi:10.5072/FK2/abc",
                "publicationStatuses": ["Unpublished", "Draft"]}),
            ),
            dataset(
                json!({"name": "Published one", "global_id": "doi:10.5072/FK2/DEF",
                "publicationStatuses": ["Published"], "majorVersion": 1, "minorVersion": 0}),
            ),
        ]);
        assert_eq!(
            titles.get(1, Some("doi:10.5072/FK2/ABC")),
            Some(("Draft one".into(), "DRAFT".into()))
        );
        assert_eq!(
            titles.get(2, Some("doi:10.5072/FK2/DEF")),
            Some(("Published one".into(), "1.0".into()))
        );
        assert_eq!(titles.get(3, None), None);
    }
}
