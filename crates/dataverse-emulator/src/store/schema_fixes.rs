//! Schema step of the `fixes` branch: DvObject ids from a sequence, and the 6.8 form of
//! `:TabularIngestSizeLimit`.
//!
//! - `dvobjects` numbers collections, datasets and files. As a plain `INTEGER PRIMARY KEY`
//!   it handed the largest id out again once the row holding it was deleted (SQLite takes
//!   the largest rowid plus one); Dataverse numbers them from a sequence and never reuses
//!   an id. The table is rebuilt with `AUTOINCREMENT` (SQLite's sequence), its rows and ids
//!   kept, so the sequence starts after the largest id in use. The one trigger that names
//!   the table is dropped and created again around the rebuild.
//! - Per-format ingest limits stored under the names of Dataverse before 6.8
//!   (`:TabularIngestSizeLimit:CSV`) become the JSON form (`{"default":..,"CSV":..}`), as
//!   Dataverse's migration `V6.8.0.1` moves them (a value that is not a whole number
//!   becomes 0, turning that format's ingest off).

/// The SQL of the step.
pub(crate) const SCHEMA_FIXES: &str = r#"
DROP TRIGGER datafiles_trash;
CREATE TABLE dvobjects_seq (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    dtype TEXT NOT NULL
);
INSERT INTO dvobjects_seq (id, dtype) SELECT id, dtype FROM dvobjects ORDER BY id;
DROP TABLE dvobjects;
ALTER TABLE dvobjects_seq RENAME TO dvobjects;
CREATE TRIGGER datafiles_trash AFTER DELETE ON datafiles BEGIN
    INSERT OR IGNORE INTO blob_trash (path) VALUES (OLD.blob);
    INSERT OR IGNORE INTO blob_trash (path) VALUES (OLD.blob || '.orig');
    DELETE FROM dvobjects WHERE id = OLD.id;
END;

INSERT INTO settings (name, value)
SELECT ':TabularIngestSizeLimit', limits FROM (
    SELECT json_group_object(k, v) AS limits FROM (
        SELECT 'default' AS k, 0 AS o,
            CASE WHEN trim(value) GLOB '[0-9]*' AND trim(value) NOT GLOB '?*[^0-9]*'
                   OR trim(value) GLOB '-[0-9]*' AND substr(trim(value), 2) NOT GLOB '*[^0-9]*'
                 THEN CAST(trim(value) AS INTEGER) ELSE 0 END AS v
        FROM settings WHERE name = ':TabularIngestSizeLimit'
        UNION ALL
        SELECT substr(name, 25), 1,
            CASE WHEN trim(value) GLOB '[0-9]*' AND trim(value) NOT GLOB '?*[^0-9]*'
                   OR trim(value) GLOB '-[0-9]*' AND substr(trim(value), 2) NOT GLOB '*[^0-9]*'
                 THEN CAST(trim(value) AS INTEGER) ELSE 0 END
        FROM settings WHERE name GLOB ':TabularIngestSizeLimit:?*'
        ORDER BY o
    )
)
WHERE EXISTS (SELECT 1 FROM settings WHERE name GLOB ':TabularIngestSizeLimit:?*')
ON CONFLICT(name) DO UPDATE SET value = excluded.value;
DELETE FROM settings WHERE name GLOB ':TabularIngestSizeLimit:?*';
"#;

#[cfg(test)]
mod tests {
    use super::super::{DB_FILE, Store, collections};
    use crate::Error;

    fn setting(s: &Store, name: &str) -> Option<String> {
        s.blocking(|c| Store::setting(c, name)).unwrap()
    }

    #[test]
    fn ids_are_not_reused_after_the_last_one_is_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.init(None).unwrap();
        let (first, again) = s
            .blocking(|c| -> Result<_, Error> {
                let a = collections::new_dvobject(c, "Dataset")?;
                c.execute("DELETE FROM dvobjects WHERE id = ?1", [a])?;
                Ok((a, collections::new_dvobject(c, "Dataset")?))
            })
            .unwrap();
        assert!(again > first, "{again} reuses {first}");
    }

    #[test]
    fn a_version_12_store_keeps_its_ids_and_gets_the_json_ingest_limits() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.init(None).unwrap();
        // Back to what version 12 left: a plain `dvobjects` (so the largest id would be
        // handed out again) and ingest limits under the pre-6.8 names.
        s.blocking(|c| -> Result<_, Error> {
            c.execute_batch(
                "DROP TRIGGER datafiles_trash;
                 CREATE TABLE old_dvobjects (id INTEGER PRIMARY KEY, dtype TEXT NOT NULL);
                 INSERT INTO old_dvobjects SELECT * FROM dvobjects;
                 DROP TABLE dvobjects;
                 ALTER TABLE old_dvobjects RENAME TO dvobjects;
                 CREATE TRIGGER datafiles_trash AFTER DELETE ON datafiles BEGIN
                     DELETE FROM dvobjects WHERE id = OLD.id;
                 END;
                 DELETE FROM sqlite_sequence;
                 INSERT INTO dvobjects (id, dtype) VALUES (40, 'Dataset'), (41, 'Dataset');
                 INSERT INTO settings VALUES (':TabularIngestSizeLimit', '100'),
                     (':TabularIngestSizeLimit:CSV', '5000'),
                     (':TabularIngestSizeLimit:Rdata', 'lots');
                 PRAGMA user_version = 12;",
            )?;
            Ok(())
        })
        .unwrap();
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        s.init(None).unwrap();
        assert!(dir.path().join(DB_FILE).exists());
        let next = s
            .blocking(|c| -> Result<_, Error> {
                c.execute("DELETE FROM dvobjects WHERE id = 41", [])?;
                collections::new_dvobject(c, "Dataset")
            })
            .unwrap();
        assert_eq!(next, 42);
        let limits: serde_json::Value =
            serde_json::from_str(&setting(&s, ":TabularIngestSizeLimit").unwrap()).unwrap();
        assert_eq!(
            limits,
            serde_json::json!({"default": 100, "CSV": 5000, "Rdata": 0})
        );
        assert_eq!(setting(&s, ":TabularIngestSizeLimit:CSV"), None);
        assert_eq!(
            crate::size_limits::ingest_limit_for_format(
                setting(&s, ":TabularIngestSizeLimit").as_deref(),
                "CSV"
            ),
            5000
        );
    }
}
