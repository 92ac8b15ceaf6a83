//! Guestbooks (`Guestbook`, `CustomQuestion`, `CustomQuestionValue`): defined on a
//! collection, chosen by a dataset, answered on download (`GuestbookResponse` with its
//! `CustomQuestionResponse`s). The responses themselves share the `guestbook_responses`
//! table of schema 8, which this step extends with the guestbook, the answerer's details and
//! the answers.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::Error;

/// Schema step of branch s14gb: guestbooks with their questions and option values, the
/// dataset's guestbook and guestbook-at-request choice, and the response details. Id 1 is
/// Dataverse's reference-data `Default` guestbook (no collection), which responses of
/// datasets without a guestbook belong to.
pub(crate) const SCHEMA_S14GB: &str = r#"
CREATE TABLE guestbooks (
    id                   INTEGER PRIMARY KEY,
    dataverse_id         INTEGER,
    name                 TEXT,
    enabled              INTEGER NOT NULL,
    email_required       INTEGER NOT NULL,
    name_required        INTEGER NOT NULL,
    institution_required INTEGER NOT NULL,
    position_required    INTEGER NOT NULL,
    create_time          TEXT
);
CREATE INDEX guestbooks_dataverse ON guestbooks(dataverse_id);
INSERT INTO guestbooks (id, dataverse_id, name, enabled, email_required, name_required,
    institution_required, position_required, create_time)
    VALUES (1, NULL, 'Default', 1, 0, 0, 0, 0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
CREATE TABLE guestbook_questions (
    id            INTEGER PRIMARY KEY,
    guestbook_id  INTEGER NOT NULL,
    question      TEXT NOT NULL,
    required      INTEGER NOT NULL,
    display_order INTEGER NOT NULL,
    type          TEXT NOT NULL,
    hidden        INTEGER NOT NULL
);
CREATE INDEX guestbook_questions_gb ON guestbook_questions(guestbook_id);
CREATE TABLE guestbook_question_values (
    id            INTEGER PRIMARY KEY,
    question_id   INTEGER NOT NULL,
    value         TEXT NOT NULL,
    display_order INTEGER NOT NULL
);
CREATE TABLE guestbook_answers (
    id          INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL,
    question_id INTEGER NOT NULL,
    question    TEXT NOT NULL,
    response    TEXT
);
CREATE INDEX guestbook_answers_response ON guestbook_answers(response_id);
ALTER TABLE datasets ADD COLUMN guestbook_id INTEGER;
ALTER TABLE datasets ADD COLUMN guestbook_at_request INTEGER;
ALTER TABLE guestbook_responses ADD COLUMN guestbook_id INTEGER;
ALTER TABLE guestbook_responses ADD COLUMN name TEXT;
ALTER TABLE guestbook_responses ADD COLUMN email TEXT;
ALTER TABLE guestbook_responses ADD COLUMN institution TEXT;
ALTER TABLE guestbook_responses ADD COLUMN position TEXT;
CREATE INDEX guestbook_responses_gb ON guestbook_responses(guestbook_id);
CREATE TRIGGER guestbooks_dataverse_delete AFTER DELETE ON dataverses BEGIN
    DELETE FROM guestbooks WHERE dataverse_id = OLD.id;
END;
CREATE TRIGGER guestbooks_delete AFTER DELETE ON guestbooks BEGIN
    DELETE FROM guestbook_questions WHERE guestbook_id = OLD.id;
END;
CREATE TRIGGER guestbook_questions_delete AFTER DELETE ON guestbook_questions BEGIN
    DELETE FROM guestbook_question_values WHERE question_id = OLD.id;
END;
CREATE TRIGGER guestbook_responses_delete AFTER DELETE ON guestbook_responses BEGIN
    DELETE FROM guestbook_answers WHERE response_id = OLD.id;
END;
"#;

/// One option of an `options` question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OptionValue {
    pub id: Option<i64>,
    pub value: String,
    pub display_order: i64,
}

/// A custom question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Question {
    pub id: Option<i64>,
    pub question: String,
    pub required: bool,
    pub display_order: i64,
    /// `text`, `textarea` or `options`.
    pub kind: String,
    pub hidden: bool,
    pub options: Vec<OptionValue>,
}

/// A guestbook as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Guestbook {
    pub id: i64,
    pub dataverse_id: Option<i64>,
    pub name: Option<String>,
    pub enabled: bool,
    pub email_required: bool,
    pub name_required: bool,
    pub institution_required: bool,
    pub position_required: bool,
    pub create_time: Option<String>,
    pub questions: Vec<Question>,
}

/// What a caller sets on a guestbook (`JsonParser.parseGuestbook`).
#[derive(Debug, Clone)]
pub(crate) struct GuestbookInput {
    pub name: Option<String>,
    pub enabled: bool,
    pub email_required: bool,
    pub name_required: bool,
    pub institution_required: bool,
    pub position_required: bool,
    pub create_time: Option<String>,
    pub questions: Vec<Question>,
}

const GB_COLUMNS: &str = "id, dataverse_id, name, enabled, email_required, name_required,
    institution_required, position_required, create_time";

fn gb_row(r: &Row<'_>) -> rusqlite::Result<Guestbook> {
    Ok(Guestbook {
        id: r.get(0)?,
        dataverse_id: r.get(1)?,
        name: r.get(2)?,
        enabled: r.get(3)?,
        email_required: r.get(4)?,
        name_required: r.get(5)?,
        institution_required: r.get(6)?,
        position_required: r.get(7)?,
        create_time: r.get(8)?,
        questions: Vec::new(),
    })
}

fn questions_of(conn: &Connection, gb: i64) -> Result<Vec<Question>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, question, required, display_order, type, hidden FROM guestbook_questions
         WHERE guestbook_id = ?1 ORDER BY display_order, id",
    )?;
    let mut qs = stmt
        .query_map([gb], |r| {
            Ok(Question {
                id: Some(r.get(0)?),
                question: r.get(1)?,
                required: r.get(2)?,
                display_order: r.get(3)?,
                kind: r.get(4)?,
                hidden: r.get(5)?,
                options: Vec::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut vstmt = conn.prepare_cached(
        "SELECT id, value, display_order FROM guestbook_question_values
         WHERE question_id = ?1 ORDER BY display_order, id",
    )?;
    for q in &mut qs {
        q.options = vstmt
            .query_map([q.id], |r| {
                Ok(OptionValue {
                    id: Some(r.get(0)?),
                    value: r.get(1)?,
                    display_order: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
    }
    Ok(qs)
}

/// `GuestbookServiceBean.find`.
pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Option<Guestbook>, Error> {
    let gb = conn
        .query_row(
            &format!("SELECT {GB_COLUMNS} FROM guestbooks WHERE id = ?1"),
            [id],
            gb_row,
        )
        .optional()?;
    match gb {
        Some(mut gb) => {
            gb.questions = questions_of(conn, gb.id)?;
            Ok(Some(gb))
        }
        None => Ok(None),
    }
}

/// `Guestbook.findByDataverse`: the guestbooks defined on one collection, by id.
pub(crate) fn of_collection(conn: &Connection, dataverse: i64) -> Result<Vec<Guestbook>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {GB_COLUMNS} FROM guestbooks WHERE dataverse_id = ?1 ORDER BY id"
    ))?;
    let mut gbs = stmt
        .query_map([dataverse], gb_row)?
        .collect::<Result<Vec<_>, _>>()?;
    for gb in &mut gbs {
        gb.questions = questions_of(conn, gb.id)?;
    }
    Ok(gbs)
}

fn insert_questions(conn: &Connection, gb: i64, questions: &[Question]) -> Result<(), Error> {
    for q in questions {
        // A question keeps its id when the id is free or already this guestbook's.
        let keep = match q.id {
            Some(id) => conn
                .query_row(
                    "SELECT COUNT(*) FROM guestbook_questions WHERE id = ?1",
                    [id],
                    |r| r.get::<_, i64>(0),
                )
                .map(|n| n == 0)?
                .then_some(id),
            None => None,
        };
        conn.execute(
            "INSERT INTO guestbook_questions (id, guestbook_id, question, required, display_order,
                 type, hidden) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                keep,
                gb,
                q.question,
                q.required,
                q.display_order,
                q.kind,
                q.hidden
            ],
        )?;
        let qid = conn.last_insert_rowid();
        for v in &q.options {
            conn.execute(
                "INSERT INTO guestbook_question_values (question_id, value, display_order)
                 VALUES (?1, ?2, ?3)",
                params![qid, v.value, v.display_order],
            )?;
        }
    }
    Ok(())
}

/// `CreateGuestbookCommand`: a new guestbook on a collection; its id.
pub(crate) fn insert(
    conn: &Connection,
    dataverse: i64,
    g: &GuestbookInput,
    now: &str,
) -> Result<i64, Error> {
    conn.execute(
        "INSERT INTO guestbooks (dataverse_id, name, enabled, email_required, name_required,
             institution_required, position_required, create_time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            dataverse,
            g.name,
            g.enabled,
            g.email_required,
            g.name_required,
            g.institution_required,
            g.position_required,
            g.create_time.as_deref().unwrap_or(now)
        ],
    )?;
    let id = conn.last_insert_rowid();
    insert_questions(conn, id, &g.questions)?;
    Ok(id)
}

/// `UpdateGuestbookCommand`: everything replaced by what was sent (the questions too).
pub(crate) fn update(conn: &Connection, id: i64, g: &GuestbookInput) -> Result<(), Error> {
    conn.execute(
        "UPDATE guestbooks SET name = ?2, enabled = ?3, email_required = ?4, name_required = ?5,
             institution_required = ?6, position_required = ?7,
             create_time = COALESCE(?8, create_time)
         WHERE id = ?1",
        params![
            id,
            g.name,
            g.enabled,
            g.email_required,
            g.name_required,
            g.institution_required,
            g.position_required,
            g.create_time
        ],
    )?;
    conn.execute(
        "DELETE FROM guestbook_questions WHERE guestbook_id = ?1",
        [id],
    )?;
    insert_questions(conn, id, &g.questions)
}

/// Turn a guestbook on or off.
pub(crate) fn set_enabled(conn: &Connection, id: i64, enabled: bool) -> Result<(), Error> {
    conn.execute(
        "UPDATE guestbooks SET enabled = ?2 WHERE id = ?1",
        params![id, enabled],
    )?;
    Ok(())
}

/// `GuestbookServiceBean.findCountUsages`: datasets directly in the collection using it.
pub(crate) fn usage_count(conn: &Connection, gb: i64, dataverse: i64) -> Result<i64, Error> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM datasets WHERE guestbook_id = ?1 AND owner_id = ?2",
        params![gb, dataverse],
        |r| r.get(0),
    )?)
}

/// `GuestbookResponseServiceBean.findCountByGuestbookId(gb, dataverse)`: responses on
/// datasets directly in the collection.
pub(crate) fn response_count(conn: &Connection, gb: i64, dataverse: i64) -> Result<i64, Error> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM guestbook_responses g JOIN datasets d ON d.id = g.dataset_id
         WHERE g.guestbook_id = ?1 AND d.owner_id = ?2",
        params![gb, dataverse],
        |r| r.get(0),
    )?)
}

/// The guestbook a dataset uses (`Dataset.getGuestbook`), if any.
pub(crate) fn of_dataset(conn: &Connection, dataset: i64) -> Result<Option<Guestbook>, Error> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT guestbook_id FROM datasets WHERE id = ?1",
            [dataset],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    match id {
        Some(id) => by_id(conn, id),
        None => Ok(None),
    }
}

/// Set (or with `None` remove) a dataset's guestbook.
pub(crate) fn set_dataset_guestbook(
    conn: &Connection,
    dataset: i64,
    gb: Option<i64>,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE datasets SET guestbook_id = ?2 WHERE id = ?1",
        params![dataset, gb],
    )?;
    Ok(())
}

/// The dataset's own guestbook-at-request choice (`None`: not set, inherited).
pub(crate) fn dataset_at_request(conn: &Connection, dataset: i64) -> Result<Option<bool>, Error> {
    Ok(conn
        .query_row(
            "SELECT guestbook_at_request FROM datasets WHERE id = ?1",
            [dataset],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// Set or (with `None`) reset the dataset's guestbook-at-request choice.
pub(crate) fn set_dataset_at_request(
    conn: &Connection,
    dataset: i64,
    choice: Option<bool>,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE datasets SET guestbook_at_request = ?2 WHERE id = ?1",
        params![dataset, choice],
    )?;
    Ok(())
}

/// What an answerer gave (`GuestbookResponse` before it is saved).
#[derive(Debug, Clone, Default)]
pub(crate) struct ResponseInput {
    pub guestbook_id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub institution: Option<String>,
    pub position: Option<String>,
    /// `(question id, question text, answer)`.
    pub answers: Vec<(i64, String, String)>,
}

/// Save a guestbook response for one file; its id.
pub(crate) fn insert_response(
    conn: &Connection,
    r: &ResponseInput,
    (file, dataset): (i64, i64),
    user: Option<i64>,
    event_type: &str,
    now: &str,
) -> Result<i64, Error> {
    conn.execute(
        "INSERT INTO guestbook_responses (datafile_id, dataset_id, user_id, event_type,
             response_time, guestbook_id, name, email, institution, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            file,
            dataset,
            user,
            event_type,
            now,
            r.guestbook_id,
            r.name,
            r.email,
            r.institution,
            r.position
        ],
    )?;
    let id = conn.last_insert_rowid();
    for (qid, question, answer) in &r.answers {
        conn.execute(
            "INSERT INTO guestbook_answers (response_id, question_id, question, response)
             VALUES (?1, ?2, ?3, ?4)",
            params![id, qid, question, answer],
        )?;
    }
    Ok(id)
}

/// A stored response as `JsonPrinter.json(GuestbookResponse)` needs it.
#[derive(Debug, Clone)]
pub(crate) struct StoredResponse {
    pub id: i64,
    pub dataset_id: i64,
    pub datafile_id: i64,
    pub event_type: String,
    pub response_time: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub institution: Option<String>,
    pub position: Option<String>,
    /// `(question, response)`.
    pub answers: Vec<(String, Option<String>)>,
}

/// `findAllByGuestbookId`: newest first, then `offset`/`limit`.
pub(crate) fn responses(
    conn: &Connection,
    gb: i64,
    offset: Option<i64>,
    limit: Option<i64>,
) -> Result<Vec<StoredResponse>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, dataset_id, datafile_id, event_type, response_time, name, email, institution,
             position FROM guestbook_responses WHERE guestbook_id = ?1
         ORDER BY response_time DESC, id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let mut out = stmt
        .query_map(
            params![gb, limit.unwrap_or(-1), offset.unwrap_or(0).max(0)],
            |r| {
                Ok(StoredResponse {
                    id: r.get(0)?,
                    dataset_id: r.get(1)?,
                    datafile_id: r.get(2)?,
                    event_type: r.get(3)?,
                    response_time: r.get(4)?,
                    name: r.get(5)?,
                    email: r.get(6)?,
                    institution: r.get(7)?,
                    position: r.get(8)?,
                    answers: Vec::new(),
                })
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let mut astmt = conn.prepare_cached(
        "SELECT question, response FROM guestbook_answers WHERE response_id = ?1 ORDER BY id",
    )?;
    for r in &mut out {
        r.answers = astmt
            .query_map([r.id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
    }
    Ok(out)
}

/// A response by id: its dataset and time (`checkGuestbookRequiredResponse`'s `gbrids`).
pub(crate) fn response_dataset_time(
    conn: &Connection,
    id: i64,
) -> Result<Option<(i64, String)>, Error> {
    Ok(conn
        .query_row(
            "SELECT dataset_id, response_time FROM guestbook_responses WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
