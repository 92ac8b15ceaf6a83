//! pyDataverse's `get_children`: a walk down the collection tree from a collection or a
//! dataset, collecting sub-collections, datasets and files as nested nodes.

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;

use crate::client::NativeApi;
use crate::error::{Error, Result};
use crate::models::collections::ContentItem;

/// What to collect in [`get_children`](NativeApi::get_children) (pyDataverse's
/// `children_types` entries `dataverses`, `datasets`, `datafiles`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildType {
    /// Sub-collections (walked into).
    Collections,
    /// Datasets.
    Datasets,
    /// Files of the datasets (of their `:latest` version).
    Files,
}

/// Where a walk starts (pyDataverse's `parent_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentType {
    /// A collection, by alias or id.
    Collection,
    /// A dataset, by PID or id.
    Dataset,
}

/// A node of the tree, serialized with pyDataverse's keys
/// (`{"type":"dataverse","dataverse_id":..,"dataverse_alias":..,"title":..,"children":[..]}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum TreeNode {
    /// A collection and what was collected below it.
    Dataverse {
        /// Database id.
        dataverse_id: u64,
        /// Alias.
        dataverse_alias: String,
        /// Name.
        title: String,
        /// Collected children.
        children: Vec<TreeNode>,
    },
    /// A dataset and its collected files.
    Dataset {
        /// Database id.
        dataset_id: u64,
        /// `protocol:authority/identifier`.
        pid: String,
        /// Collected files.
        children: Vec<TreeNode>,
    },
    /// A file of a dataset's latest version.
    Datafile {
        /// Database id.
        datafile_id: u64,
        /// The file's name.
        filename: String,
        /// The file's label in the version.
        label: String,
        /// The file's PID, when file PIDs are on.
        pid: Option<String>,
    },
}

type Walk<'a> = Pin<Box<dyn Future<Output = Result<Vec<TreeNode>>> + Send + 'a>>;

impl NativeApi {
    /// Walk down from `parent` collecting `children_types` (empty: sub-collections of a
    /// collection, files of a dataset, as pyDataverse does). Sub-collections are walked
    /// into only when collected; files need datasets (asking for collections and files
    /// without datasets is an [`Error::InvalidArgument`]). One request per collection
    /// (plus one for its alias) and per dataset, one after the other.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/contents`, `GET /api/dataverses/{id}`, `GET /api/datasets/{id}/versions/:latest/files`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::api::tree::{ChildType, ParentType};
    /// let all = [ChildType::Collections, ChildType::Datasets, ChildType::Files];
    /// let tree = api.get_children(":root", ParentType::Collection, &all).await?;
    /// println!("{}", serde_json::to_string_pretty(&tree).unwrap_or_default());
    /// # Ok(()) }
    /// ```
    pub async fn get_children(
        &self,
        parent: &str,
        parent_type: ParentType,
        children_types: &[ChildType],
    ) -> Result<Vec<TreeNode>> {
        let mut types = children_types.to_vec();
        if types.is_empty() {
            types.push(match parent_type {
                ParentType::Collection => ChildType::Collections,
                ParentType::Dataset => ChildType::Files,
            });
        }
        if types.contains(&ChildType::Collections)
            && types.contains(&ChildType::Files)
            && !types.contains(&ChildType::Datasets)
        {
            return Err(Error::InvalidArgument(
                "children types name collections and files but not datasets: files are only reached through datasets".into(),
            ));
        }
        self.walk(parent.to_string(), parent_type, types).await
    }

    fn walk(&self, parent: String, parent_type: ParentType, types: Vec<ChildType>) -> Walk<'_> {
        Box::pin(async move {
            let mut out = Vec::new();
            match parent_type {
                ParentType::Collection => {
                    for item in self.get_collection_contents(parent.as_str()).await? {
                        match item {
                            ContentItem::Collection(c)
                                if types.contains(&ChildType::Collections) =>
                            {
                                let alias = self.dataverse_id2alias(c.id).await?;
                                let children = self
                                    .walk(alias.clone(), ParentType::Collection, types.clone())
                                    .await?;
                                out.push(TreeNode::Dataverse {
                                    dataverse_id: c.id,
                                    dataverse_alias: alias,
                                    title: c.title.unwrap_or_default(),
                                    children,
                                });
                            }
                            ContentItem::Dataset(d) if types.contains(&ChildType::Datasets) => {
                                let (Some(id), Some(protocol), Some(authority), Some(identifier)) =
                                    (d.id, &d.protocol, &d.authority, &d.identifier)
                                else {
                                    tracing::debug!(
                                        ?d,
                                        "a dataset entry without id or PID: skipped"
                                    );
                                    continue;
                                };
                                let pid = format!("{protocol}:{authority}/{identifier}");
                                let children = self
                                    .walk(pid.clone(), ParentType::Dataset, types.clone())
                                    .await?;
                                out.push(TreeNode::Dataset {
                                    dataset_id: id,
                                    pid,
                                    children,
                                });
                            }
                            _ => {}
                        }
                    }
                }
                ParentType::Dataset if types.contains(&ChildType::Files) => {
                    for f in self
                        .get_datafiles_metadata(parent.as_str(), None, &[])
                        .await?
                    {
                        out.push(TreeNode::Datafile {
                            datafile_id: f.data_file.id.unwrap_or_default(),
                            filename: f
                                .data_file
                                .filename
                                .clone()
                                .unwrap_or_else(|| f.label.clone()),
                            label: f.label,
                            pid: f.data_file.persistent_id.filter(|p| !p.is_empty()),
                        });
                    }
                }
                ParentType::Dataset => {}
            }
            Ok(out)
        })
    }
}
