//! `dv role create COLLECTION ALIAS --name NAME --permission P...`

use dataverse_client::models::roles::RoleDefinition;

use crate::context::Context;
use crate::error::CliResult;
use crate::output;

/// The examples at the end of `dv role create --help`.
pub(crate) const EXAMPLES: &str = "\
Examples:
  dv role create :root downloader2 --name 'Downloader' --permission DownloadFile
  dv role create lab editors --name Editors -p EditDataset -p ViewUnpublishedDataset
  dv role create lab everything --name Everything --permission ALL";

/// `dv role create`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The collection defining the role (alias, numeric id or :root).
    pub collection: String,
    /// The role's alias: unique on the installation, 1 to 16 of letters, digits, _ and -.
    pub alias: String,
    /// Its display name.
    #[arg(long)]
    pub name: String,
    /// Its description.
    #[arg(long)]
    pub description: Option<String>,
    /// A permission it grants (repeat; ALL for every one): AddDataverse, AddDataset,
    /// ViewUnpublishedDataverse, ViewUnpublishedDataset, DownloadFile, EditDataverse,
    /// EditDataset, ManageDataversePermissions, ManageDatasetPermissions,
    /// ManageFilePermissions, PublishDataverse, PublishDataset, LinkDataverse, LinkDataset,
    /// DeleteDataverse, DeleteDatasetDraft.
    #[arg(long = "permission", short = 'p', required = true)]
    pub permissions: Vec<String>,
}

/// Create a role.
pub(crate) async fn execute(ctx: &Context, args: Args) -> CliResult {
    let mut def = RoleDefinition::new(args.alias, args.name, args.permissions);
    if let Some(d) = args.description {
        def = def.description(d);
    }
    let r = ctx.api.create_role(args.collection.as_str(), &def).await?;
    output::emit(ctx.output, &r, || {
        output::line(&format!(
            "created role {} (id {}) with {}",
            r.alias,
            output::opt(&r.id),
            output::count(r.permissions.len(), "permission")
        ))
    })
}
