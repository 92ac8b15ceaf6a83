//! The SQLite store: one WAL-mode database file per data directory, schema migrations keyed
//! on `PRAGMA user_version`, and the first-open bootstrap (admin user, root collection,
//! licenses, built-in roles).

pub(crate) mod access_requests;
pub(crate) mod blobs;
pub(crate) mod collection_setup;
pub(crate) mod collections;
pub(crate) mod dataset_write;
pub(crate) mod datasets;
pub(crate) mod deaccession;
pub(crate) mod file_pids;
pub(crate) mod files;
pub(crate) mod guestbook_responses;
pub(crate) mod guestbooks;
pub(crate) mod licenses;
pub(crate) mod locks;
pub(crate) mod metrics;
pub(crate) mod password;
pub(crate) mod roles;
pub(crate) mod schema_fixes;
pub(crate) mod storage_drivers;
pub(crate) mod time_fmt;
pub(crate) mod users;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Deserialize;
use serde_json::json;

use crate::Error;

/// File name of the database inside the data directory.
pub(crate) const DB_FILE: &str = "dataverse.sqlite3";

/// Shared handle on the database connection (cheap clone).
#[derive(Clone, Debug)]
pub(crate) struct Store {
    conn: Arc<Mutex<Connection>>,
    /// Read-only connections for pure reads, so reads run in parallel beside the writer
    /// (WAL lets readers proceed while one connection writes).
    readers: Arc<Vec<Mutex<Connection>>>,
    next_reader: Arc<std::sync::atomic::AtomicUsize>,
}

/// How much of the database file a reader maps (address space, not memory).
const READER_MMAP_BYTES: i64 = 4 << 30;

/// How many read-only connections a store keeps.
const READERS: usize = 4;

impl Store {
    /// Open (creating if needed) the database in `dir`, apply pragmas and migrations.
    pub(crate) fn open(dir: &Path) -> Result<Store, Error> {
        std::fs::create_dir_all(dir)?;
        let conn = Connection::open(dir.join(DB_FILE))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // The query planner stability guarantee: plans never depend on bound values. Without
        // it, SQLite marks some cached statements to be re-prepared after every rebind, which
        // made each dataset read parse its SQL again (a quarter of a read's CPU).
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let r = Connection::open(dir.join(DB_FILE))?;
            r.busy_timeout(Duration::from_secs(10))?;
            r.pragma_update(None, "query_only", "ON")?;
            // Reads map the file rather than copying its pages into a small cache per
            // connection: searches read large parts of the index (a measured third of a
            // query's time went to those copies).
            r.pragma_update(None, "mmap_size", READER_MMAP_BYTES)?;
            r.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
            readers.push(Mutex::new(r));
        }
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            readers: Arc::new(readers),
            next_reader: Arc::new(std::sync::atomic::AtomicUsize::new(0)),
        })
    }

    /// Run a read-only `f` on one of the reader connections, on the blocking thread pool.
    /// A write inside `f` fails (`query_only`); use [`call`](Self::call) for anything that writes.
    ///
    /// `f` fails with the caller's error type (anything a store [`Error`] converts into), so
    /// a handler's closure can also fail with a Dataverse answer.
    pub(crate) async fn read<T, E>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let n = store.readers.len();
            let start = store
                .next_reader
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // Take the first free reader from a rotating start; wait on one if all are busy.
            for i in 0..n {
                if let Ok(mut guard) = store.readers[(start + i) % n].try_lock() {
                    return f(&mut guard);
                }
            }
            let mut guard = store.readers[start % n]
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| E::from(Error::Store(format!("store task failed: {e}"))))?
    }

    /// Run `f` with the connection on the current thread (blocking).
    pub(crate) fn blocking<T, E>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        // A poisoned lock only means another closure panicked; the connection itself is
        // still usable (SQLite rolls back the open transaction when it is dropped).
        let mut guard = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// Run `f` with the connection on the blocking thread pool (`f` fails with the caller's
    /// error type, as in [`read`](Self::read)).
    pub(crate) async fn call<T, E>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.blocking(f))
            .await
            .map_err(|e| E::from(Error::Store(format!("store task failed: {e}"))))?
    }

    /// Apply migrations and, on a fresh database, the bootstrap; then apply the admin
    /// token override if given. All in one immediate transaction (safe across processes).
    pub(crate) fn init(&self, admin_token: Option<&str>) -> Result<(), Error> {
        self.blocking(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version < 1 {
                tx.execute_batch(SCHEMA_V1)?;
                bootstrap(&tx)?;
            }
            if version < 2 {
                tx.execute_batch(SCHEMA_V2)?;
            }
            if version < 3 {
                tx.execute_batch(SCHEMA_V3)?;
            }
            if version < 4 {
                tx.execute_batch(SCHEMA_V4)?;
            }
            if version < 5 {
                tx.execute_batch(SCHEMA_V5)?;
            }
            if version < 6 {
                tx.execute_batch(SCHEMA_V6)?;
            }
            if version < 7 {
                tx.execute_batch(storage_drivers::SCHEMA_S17REST)?;
            }
            if version < 8 {
                tx.execute_batch(access_requests::SCHEMA_ACCESS)?;
            }
            if version < 9 {
                tx.execute_batch(SCHEMA_ROLES_METRICS)?;
            }
            if version < 10 {
                tx.execute_batch(collection_setup::SCHEMA_S15COLL)?;
            }
            if version < 11 {
                tx.execute_batch(collection_setup::SCHEMA_DATASET_TYPES)?;
            }
            if version < 12 {
                tx.execute_batch(guestbooks::SCHEMA_S14GB)?;
            }
            if version < 13 {
                tx.execute_batch(schema_fixes::SCHEMA_FIXES)?;
            }
            if version < SCHEMA_VERSION {
                tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            }
            if let Some(token) = admin_token {
                let admin = users::by_identifier(&tx, ADMIN_USERNAME)?
                    .ok_or_else(|| Error::Store("admin user missing".into()))?;
                let current = users::token_for_user(&tx, admin.id)?;
                if current.as_ref().map(|t| t.token.as_str()) != Some(token) {
                    users::replace_token(&tx, admin.id, token)?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Set a database setting.
    pub(crate) fn put_setting(conn: &Connection, name: &str, value: &str) -> Result<(), Error> {
        conn.execute(
            "INSERT INTO settings (name, value) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            [name, value],
        )?;
        Ok(())
    }

    /// Every database setting, by name.
    pub(crate) fn settings(conn: &Connection) -> Result<Vec<(String, String)>, Error> {
        let mut stmt = conn.prepare("SELECT name, value FROM settings ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Remove a database setting (nothing happens when it is not set).
    pub(crate) fn delete_setting(conn: &Connection, name: &str) -> Result<(), Error> {
        conn.execute("DELETE FROM settings WHERE name = ?1", [name])?;
        Ok(())
    }

    /// Value of a database setting (`:AllowApiTokenLookupViaApi`, ...).
    pub(crate) fn setting(conn: &Connection, name: &str) -> Result<Option<String>, Error> {
        Ok(conn
            .query_row("SELECT value FROM settings WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?)
    }
}

/// Current schema version (`PRAGMA user_version`). Later issues add `if version < N` steps.
pub(crate) const SCHEMA_VERSION: i64 = 13;

/// Username of the bootstrap superuser.
pub(crate) const ADMIN_USERNAME: &str = "dataverseAdmin";

const SCHEMA_V1: &str = r#"
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    user_identifier   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    first_name        TEXT,
    last_name         TEXT,
    email             TEXT NOT NULL,
    affiliation       TEXT,
    position          TEXT,
    superuser         INTEGER NOT NULL DEFAULT 0,
    deactivated       INTEGER NOT NULL DEFAULT 0,
    created_time      TEXT NOT NULL,
    last_login_time   TEXT,
    last_api_use_time TEXT,
    provider          TEXT NOT NULL DEFAULT 'builtin',
    password_salt     TEXT,
    password_hash     TEXT
);
CREATE TABLE api_tokens (
    id             INTEGER PRIMARY KEY,
    token          TEXT NOT NULL UNIQUE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    create_time_ms INTEGER NOT NULL,
    expire_time_ms INTEGER NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE dataverses (
    id                  INTEGER PRIMARY KEY,
    alias               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name                TEXT NOT NULL,
    affiliation         TEXT,
    description         TEXT,
    dataverse_type      TEXT NOT NULL DEFAULT 'UNCATEGORIZED',
    owner_id            INTEGER REFERENCES dataverses(id),
    creator_id          INTEGER REFERENCES users(id),
    creation_date       TEXT NOT NULL,
    is_released         INTEGER NOT NULL DEFAULT 0,
    publication_date    TEXT,
    permission_root     INTEGER NOT NULL DEFAULT 1,
    metadata_block_root INTEGER NOT NULL DEFAULT 0,
    facet_root          INTEGER NOT NULL DEFAULT 0,
    contacts            TEXT NOT NULL DEFAULT '[]',
    facets              TEXT NOT NULL DEFAULT '[]',
    metadata_blocks     TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE licenses (
    id                       INTEGER PRIMARY KEY,
    name                     TEXT NOT NULL UNIQUE,
    short_description        TEXT,
    uri                      TEXT NOT NULL UNIQUE,
    icon_url                 TEXT,
    active                   INTEGER NOT NULL DEFAULT 1,
    is_default               INTEGER NOT NULL DEFAULT 0,
    sort_order               INTEGER NOT NULL DEFAULT 0,
    rights_identifier        TEXT,
    rights_identifier_scheme TEXT,
    scheme_uri               TEXT,
    language_code            TEXT
);
CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    alias       TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    permissions TEXT NOT NULL,
    owner_id    INTEGER REFERENCES dataverses(id)
);
CREATE UNIQUE INDEX roles_alias_owner ON roles(alias, owner_id);
CREATE TABLE role_assignments (
    id                  INTEGER PRIMARY KEY,
    assignee            TEXT NOT NULL,
    role_id             INTEGER NOT NULL REFERENCES roles(id),
    definition_point_id INTEGER NOT NULL,
    private_url_token   TEXT
);
"#;

/// Version 2: a shared DvObject id space (collections and datasets, later files, number
/// from one sequence as in Dataverse), datasets and their versions, built-in roles owned by
/// no collection (as `setup-builtin-roles.sh` creates them), lookup indexes.
const SCHEMA_V2: &str = r#"
CREATE TABLE dvobjects (
    id    INTEGER PRIMARY KEY,
    dtype TEXT NOT NULL
);
INSERT INTO dvobjects (id, dtype) SELECT id, 'Dataverse' FROM dataverses;
CREATE INDEX dataverses_owner ON dataverses(owner_id);
UPDATE roles SET owner_id = NULL WHERE id <= 8;
CREATE INDEX role_assignments_point ON role_assignments(definition_point_id);
CREATE INDEX role_assignments_assignee ON role_assignments(assignee);
CREATE TABLE datasets (
    id                 INTEGER PRIMARY KEY,
    owner_id           INTEGER NOT NULL REFERENCES dataverses(id),
    protocol           TEXT NOT NULL,
    authority          TEXT NOT NULL,
    identifier         TEXT NOT NULL,
    storage_identifier TEXT NOT NULL,
    created            TEXT NOT NULL,
    publication_date   TEXT,
    dataset_type       TEXT NOT NULL DEFAULT 'dataset',
    creator_id         INTEGER REFERENCES users(id),
    metadata_language  TEXT
);
CREATE UNIQUE INDEX datasets_pid ON datasets(protocol, authority, identifier COLLATE NOCASE);
CREATE INDEX datasets_owner ON datasets(owner_id);
CREATE TABLE dataset_versions (
    id                   INTEGER PRIMARY KEY,
    dataset_id           INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    version_number       INTEGER,
    minor_version_number INTEGER,
    state                TEXT NOT NULL,
    internal_version     INTEGER NOT NULL DEFAULT 1,
    metadata_blocks      TEXT NOT NULL,
    license_name         TEXT,
    license_uri          TEXT,
    terms                TEXT NOT NULL DEFAULT '{}',
    file_access_request  INTEGER NOT NULL DEFAULT 1,
    create_time          TEXT NOT NULL,
    last_update_time     TEXT NOT NULL,
    release_time         TEXT,
    deaccession_note     TEXT,
    deaccession_link     TEXT,
    version_note         TEXT
);
CREATE INDEX dataset_versions_dataset ON dataset_versions(dataset_id);
"#;

/// Version 3: dataset locks (`DatasetLock`) and the private-URL token lookup index.
const SCHEMA_V3: &str = r#"
CREATE TABLE dataset_locks (
    id         INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    lock_type  TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_ms INTEGER NOT NULL,
    info       TEXT
);
CREATE INDEX dataset_locks_dataset ON dataset_locks(dataset_id);
CREATE INDEX role_assignments_private_url ON role_assignments(private_url_token);
"#;

/// Version 4: data files (`DataFile`, one row per stored file, shared by the versions that
/// list it), their per-version metadata (`FileMetadata`), and the blobs waiting to be removed
/// from disk once the transaction that dropped their rows has committed.
const SCHEMA_V4: &str = r#"
CREATE TABLE datafiles (
    id                 INTEGER PRIMARY KEY,
    dataset_id         INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    storage_identifier TEXT NOT NULL,
    blob               TEXT NOT NULL,
    content_type       TEXT NOT NULL,
    filesize           INTEGER NOT NULL,
    md5                TEXT NOT NULL,
    created            TEXT NOT NULL,
    last_update_time   TEXT NOT NULL,
    publication_date   TEXT,
    root_id            INTEGER,
    previous_id        INTEGER,
    tabular            INTEGER NOT NULL DEFAULT 0,
    original_format    TEXT,
    original_size      INTEGER,
    original_name      TEXT,
    ingest_state       TEXT
);
CREATE INDEX datafiles_dataset ON datafiles(dataset_id);
CREATE TABLE filemetadatas (
    id              INTEGER PRIMARY KEY,
    version_id      INTEGER NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
    datafile_id     INTEGER NOT NULL REFERENCES datafiles(id) ON DELETE CASCADE,
    label           TEXT NOT NULL,
    directory_label TEXT,
    description     TEXT NOT NULL DEFAULT '',
    restricted      INTEGER NOT NULL DEFAULT 0,
    categories      TEXT NOT NULL DEFAULT '[]',
    prov_free_form  TEXT,
    row_version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX filemetadatas_version ON filemetadatas(version_id);
CREATE INDEX filemetadatas_file ON filemetadatas(datafile_id);
CREATE INDEX filemetadatas_label ON filemetadatas(version_id, label);
CREATE TABLE blob_trash (
    path TEXT PRIMARY KEY
);
CREATE TRIGGER datafiles_trash AFTER DELETE ON datafiles BEGIN
    INSERT OR IGNORE INTO blob_trash (path) VALUES (OLD.blob);
    INSERT OR IGNORE INTO blob_trash (path) VALUES (OLD.blob || '.orig');
    DELETE FROM dvobjects WHERE id = OLD.id;
END;
CREATE TRIGGER filemetadatas_orphan AFTER DELETE ON filemetadatas
WHEN NOT EXISTS (SELECT 1 FROM filemetadatas WHERE datafile_id = OLD.datafile_id)
BEGIN
    DELETE FROM datafiles WHERE id = OLD.datafile_id;
END;
"#;

/// Files carry the checksum algorithm they were stored with (`:FileFixityChecksumAlgorithm`
/// at upload time); earlier files are MD5.
const SCHEMA_V5: &str = r#"
ALTER TABLE datafiles RENAME COLUMN md5 TO checksum_value;
ALTER TABLE datafiles ADD COLUMN checksum_type TEXT NOT NULL DEFAULT 'MD5';
"#;

/// Version 6: the search index (`crate::search`). Documents (`search_docs`: what filters,
/// sorting and facet counts read, kept narrow) with their result cards (`search_cards`),
/// their string/number/date values (`search_values`, for field queries), their
/// words (`search_fts`, FTS5: the default field, and `field__word` for field queries), and
/// the collections and datasets whose documents are stale (`search_dirty`), recorded by
/// triggers on every table documents are built from. Everything already stored starts stale.
const SCHEMA_V6: &str = r#"
CREATE TABLE search_docs (
    doc_id     INTEGER PRIMARY KEY,
    solr_id    TEXT NOT NULL UNIQUE,
    entity_id  INTEGER NOT NULL,
    dataset_id INTEGER,
    dtype      TEXT NOT NULL,
    public     INTEGER NOT NULL,
    chain      TEXT NOT NULL,
    name_sort  TEXT NOT NULL,
    date_sort  TEXT NOT NULL,
    facets     TEXT NOT NULL
);
CREATE TABLE search_cards (
    doc_id INTEGER PRIMARY KEY,
    head   TEXT NOT NULL,
    tail   TEXT NOT NULL,
    texts  TEXT NOT NULL
);
CREATE INDEX search_docs_entity ON search_docs(entity_id);
CREATE INDEX search_docs_dataset ON search_docs(dataset_id);
CREATE TABLE search_values (
    doc_id INTEGER NOT NULL,
    field  TEXT NOT NULL,
    value  ANY
);
CREATE INDEX search_values_field ON search_values(field, value, doc_id);
CREATE INDEX search_values_doc ON search_values(doc_id);
CREATE VIRTUAL TABLE search_fts USING fts5(
    body, fielded, content = '', contentless_delete = 1,
    tokenize = "porter unicode61 remove_diacritics 2 tokenchars '_'"
);
CREATE TABLE search_dirty (
    kind TEXT NOT NULL,
    id   INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TRIGGER search_dataverses_insert AFTER INSERT ON dataverses BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('collection', NEW.id);
END;
CREATE TRIGGER search_dataverses_update AFTER UPDATE OF alias, name, affiliation, description,
    dataverse_type, owner_id, is_released, publication_date ON dataverses BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('collection', NEW.id);
END;
CREATE TRIGGER search_dataverses_delete AFTER DELETE ON dataverses BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('collection', OLD.id);
END;
CREATE TRIGGER search_datasets_insert AFTER INSERT ON datasets BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', NEW.id);
END;
CREATE TRIGGER search_datasets_update AFTER UPDATE ON datasets BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', NEW.id);
END;
CREATE TRIGGER search_datasets_delete AFTER DELETE ON datasets BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', OLD.id);
END;
CREATE TRIGGER search_versions_insert AFTER INSERT ON dataset_versions BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', NEW.dataset_id);
END;
CREATE TRIGGER search_versions_update AFTER UPDATE ON dataset_versions BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', NEW.dataset_id);
END;
CREATE TRIGGER search_versions_delete AFTER DELETE ON dataset_versions BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', OLD.dataset_id);
END;
CREATE TRIGGER search_datafiles_insert AFTER INSERT ON datafiles BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', NEW.dataset_id);
END;
CREATE TRIGGER search_datafiles_update AFTER UPDATE ON datafiles BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', NEW.dataset_id);
END;
CREATE TRIGGER search_datafiles_delete AFTER DELETE ON datafiles BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', OLD.dataset_id);
END;
CREATE TRIGGER search_filemetadatas_insert AFTER INSERT ON filemetadatas BEGIN
    INSERT OR IGNORE INTO search_dirty
        SELECT 'dataset', dataset_id FROM dataset_versions WHERE id = NEW.version_id;
END;
CREATE TRIGGER search_filemetadatas_update AFTER UPDATE ON filemetadatas BEGIN
    INSERT OR IGNORE INTO search_dirty
        SELECT 'dataset', dataset_id FROM dataset_versions WHERE id = NEW.version_id;
END;
CREATE TRIGGER search_filemetadatas_delete AFTER DELETE ON filemetadatas BEGIN
    INSERT OR IGNORE INTO search_dirty
        SELECT 'dataset', dataset_id FROM dataset_versions WHERE id = OLD.version_id;
END;
CREATE TRIGGER search_locks_insert AFTER INSERT ON dataset_locks BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', NEW.dataset_id);
END;
CREATE TRIGGER search_locks_delete AFTER DELETE ON dataset_locks BEGIN
    INSERT OR IGNORE INTO search_dirty VALUES ('dataset', OLD.dataset_id);
END;
INSERT OR IGNORE INTO search_dirty SELECT 'collection', id FROM dataverses;
INSERT OR IGNORE INTO search_dirty SELECT 'dataset', id FROM datasets;
"#;

/// Version 9 (roles and metrics): the subjects of collections (`dataversesubjects`; the
/// root carries every `subject` value, as `dv-root.json`'s `"dataverseSubjects": ["ALL"]`
/// gives it). The download metrics count `guestbook_responses` (version 8).
const SCHEMA_ROLES_METRICS: &str = r#"
CREATE TABLE dataverse_subjects (
    dataverse_id INTEGER NOT NULL REFERENCES dataverses(id) ON DELETE CASCADE,
    subject      TEXT NOT NULL,
    PRIMARY KEY (dataverse_id, subject)
);
INSERT INTO dataverse_subjects (dataverse_id, subject)
SELECT dataverses.id, s.value FROM dataverses, json_each('["Agricultural Sciences","Arts and Humanities",
    "Astronomy and Astrophysics","Business and Management","Chemistry",
    "Computer and Information Science","Earth and Environmental Sciences","Engineering","Law",
    "Mathematical Sciences","Medicine, Health and Life Sciences","Physics","Social Sciences",
    "Other"]') AS s
WHERE dataverses.owner_id IS NULL ORDER BY s.key;
"#;

/// Vendored bootstrap data.
const ADMIN_JSON: &str = include_str!("../data/builtin-user-create-dataverseAdmin.json");
const LICENSES: [&str; 2] = [
    include_str!("../data/licenseCC0-1.0.json"),
    include_str!("../data/licenseCC-BY-4.0.json"),
];
/// Built-in roles in `setup-builtin-roles.sh` order (ids 1..8).
const ROLES: [&str; 8] = [
    include_str!("../data/role-admin.json"),
    include_str!("../data/role-filedownloader.json"),
    include_str!("../data/role-fullContributor.json"),
    include_str!("../data/role-dvContributor.json"),
    include_str!("../data/role-dsContributor.json"),
    include_str!("../data/role-editor.json"),
    include_str!("../data/role-curator.json"),
    include_str!("../data/role-member.json"),
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LicenseJson {
    name: String,
    uri: String,
    short_description: Option<String>,
    icon_url: Option<String>,
    active: Option<bool>,
    sort_order: Option<i64>,
    rights_identifier: Option<String>,
    rights_identifier_scheme: Option<String>,
    scheme_uri: Option<String>,
    language_code: Option<String>,
}

#[derive(Deserialize)]
struct RoleJson {
    alias: String,
    name: String,
    description: Option<String>,
    permissions: Vec<String>,
}

/// Password of the bootstrap admin (as in `setup-all.sh`).
const ADMIN_PASSWORD: &str = "admin";

fn bootstrap(tx: &rusqlite::Transaction<'_>) -> Result<(), Error> {
    let now = time_fmt::now_iso();
    // Superuser dataverseAdmin.
    let admin: users::NewUser =
        serde_json::from_str(ADMIN_JSON).map_err(|e| Error::Data(format!("admin user: {e}")))?;
    let admin_id = users::insert_user(tx, &admin, Some(ADMIN_PASSWORD), true, &now)?;
    users::replace_token(tx, admin_id, &uuid::Uuid::new_v4().to_string())?;

    // Published root collection.
    tx.execute(
        "INSERT INTO dataverses (id, alias, name, dataverse_type, owner_id, creator_id, creation_date,
             is_released, publication_date, permission_root, metadata_block_root, facet_root,
             contacts, facets, metadata_blocks)
         VALUES (1, 'root', 'Root', 'UNCATEGORIZED', NULL, ?1, ?2, 1, ?2, 1, 1, 1, ?3, ?4, ?5)",
        params![
            admin_id,
            now,
            json!([{"displayOrder": 0, "contactEmail": "root@mailinator.com"}]).to_string(),
            json!(["authorName", "subject", "keywordValue", "dateOfDeposit"]).to_string(),
            json!(["citation"]).to_string(),
        ],
    )?;

    // Licenses: CC0 1.0 (id 1, default), CC BY 4.0 (id 2).
    for (i, text) in LICENSES.iter().enumerate() {
        let l: LicenseJson =
            serde_json::from_str(text).map_err(|e| Error::Data(format!("license: {e}")))?;
        tx.execute(
            "INSERT INTO licenses (id, name, short_description, uri, icon_url, active, is_default,
                 sort_order, rights_identifier, rights_identifier_scheme, scheme_uri, language_code)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                i as i64 + 1,
                l.name,
                l.short_description,
                l.uri,
                l.icon_url,
                l.active.unwrap_or(true),
                i == 0,
                l.sort_order.unwrap_or(i as i64 + 1),
                l.rights_identifier,
                l.rights_identifier_scheme,
                l.scheme_uri,
                l.language_code,
            ],
        )?;
    }

    // Built-in roles, owned by no collection (`setup-builtin-roles.sh` posts them to
    // /api/admin/roles).
    for (i, text) in ROLES.iter().enumerate() {
        let r: RoleJson =
            serde_json::from_str(text).map_err(|e| Error::Data(format!("role: {e}")))?;
        tx.execute(
            "INSERT INTO roles (id, alias, name, description, permissions, owner_id)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
            params![
                i as i64 + 1,
                r.alias,
                r.name,
                r.description,
                serde_json::to_string(&r.permissions)?,
            ],
        )?;
    }

    // admin role for @dataverseAdmin on root.
    tx.execute(
        "INSERT INTO role_assignments (assignee, role_id, definition_point_id)
         VALUES (?1, 1, 1)",
        [format!("@{ADMIN_USERNAME}")],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bootstrap_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.init(None).unwrap();
        s.init(None).unwrap();
        let counts = s
            .blocking(|c| -> Result<_, Error> {
                let n = |t: &str| -> Result<i64, Error> {
                    Ok(c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?)
                };
                Ok((n("users")?, n("roles")?, n("licenses")?, n("dataverses")?))
            })
            .unwrap();
        assert_eq!(counts, (1, 8, 2, 1));
        let v: i64 = s
            .blocking(|c| Ok::<_, Error>(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn files_of_a_version_4_store_become_md5_files() {
        let dir = tempfile::tempdir().unwrap();
        {
            // A store as version 4 left it, with one file row.
            let mut conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute_batch(SCHEMA_V1).unwrap();
            bootstrap(&tx).unwrap();
            for schema in [SCHEMA_V2, SCHEMA_V3, SCHEMA_V4] {
                tx.execute_batch(schema).unwrap();
            }
            tx.execute(
                "INSERT INTO datafiles (id, dataset_id, storage_identifier, blob, content_type,
                     filesize, md5, created, last_update_time)
                 VALUES (900, 1, 'local://x', '1/x', 'text/plain', 3, 'abc123', 't', 't')",
                [],
            )
            .unwrap();
            tx.pragma_update(None, "user_version", 4).unwrap();
            tx.commit().unwrap();
        }
        let s = Store::open(dir.path()).unwrap();
        s.init(None).unwrap();
        let row = s
            .blocking(|c| -> Result<_, Error> {
                Ok(c.query_row(
                    "SELECT checksum_type, checksum_value FROM datafiles WHERE id = 900",
                    [],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
                )?)
            })
            .unwrap();
        assert_eq!(row, ("MD5".to_string(), "abc123".to_string()));
    }
}
