//! File access requests (`FileAccessRequest`: a user asks for a restricted file; the
//! request is then granted or rejected), the per-file role assignments that grant access
//! (the built-in `fileDownloader` role assigned on the file), and the guestbook responses
//! Dataverse writes for each download, which `GET /api/files/{id}/downloadCount` counts.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;
use crate::auth::Caller;
use crate::permissions::{DvObject, Permission, assignees, permitted, role_permissions};

/// Schema step of this branch: access requests, guestbook responses (one per counted
/// download or access request) and the clean-up when a file goes.
pub(crate) const SCHEMA_ACCESS: &str = r#"
CREATE TABLE file_access_requests (
    id          INTEGER PRIMARY KEY,
    datafile_id INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    state       TEXT NOT NULL,
    created     TEXT NOT NULL
);
CREATE INDEX file_access_requests_file ON file_access_requests(datafile_id, user_id);
CREATE TABLE guestbook_responses (
    id            INTEGER PRIMARY KEY,
    datafile_id   INTEGER NOT NULL,
    dataset_id    INTEGER NOT NULL,
    user_id       INTEGER,
    event_type    TEXT NOT NULL,
    response_time TEXT NOT NULL
);
CREATE INDEX guestbook_responses_file ON guestbook_responses(datafile_id);
CREATE TRIGGER access_datafiles_delete AFTER DELETE ON datafiles BEGIN
    DELETE FROM file_access_requests WHERE datafile_id = OLD.id;
    DELETE FROM guestbook_responses WHERE datafile_id = OLD.id;
    DELETE FROM role_assignments WHERE definition_point_id = OLD.id;
END;
"#;

/// Id of the built-in `fileDownloader` role (second of the bootstrap roles).
pub(crate) const FILE_DOWNLOADER_ROLE: i64 = 2;

/// `GuestbookResponse.DOWNLOAD`.
pub(crate) const EVENT_DOWNLOAD: &str = "Download";
/// `GuestbookResponse.ACCESS_REQUEST` (not counted as a download).
pub(crate) const EVENT_ACCESS_REQUEST: &str = "AccessRequest";

/// State of an access request (`FileAccessRequest.RequestState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestState {
    Created,
    Granted,
    Rejected,
}

impl RequestState {
    fn stored(self) -> &'static str {
        match self {
            RequestState::Created => "CREATED",
            RequestState::Granted => "GRANTED",
            RequestState::Rejected => "REJECTED",
        }
    }

    fn from_stored(s: &str) -> RequestState {
        match s {
            "GRANTED" => RequestState::Granted,
            "REJECTED" => RequestState::Rejected,
            _ => RequestState::Created,
        }
    }

    /// `getStateLabel()`: `created`, `granted`, `rejected`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            RequestState::Created => "created",
            RequestState::Granted => "granted",
            RequestState::Rejected => "rejected",
        }
    }
}

/// One stored request.
#[derive(Debug, Clone)]
pub(crate) struct AccessRequestRow {
    pub user_id: i64,
    pub state: RequestState,
}

/// Whether `caller` has `permission` on the file: on its dataset (and the collections above
/// it), or through a role assigned on the file itself (`fileDownloader`).
pub(crate) fn permitted_on_file(
    conn: &Connection,
    caller: &Caller,
    permission: Permission,
    file: i64,
    dataset: i64,
) -> Result<bool, Error> {
    if permitted(conn, caller, permission, DvObject::Dataset(dataset))? {
        return Ok(true);
    }
    if caller.user().is_some_and(|u| u.deactivated) {
        return Ok(false);
    }
    let who = assignees(caller);
    let mut stmt = conn.prepare_cached(
        "SELECT a.assignee, r.permissions FROM role_assignments a JOIN roles r ON r.id = a.role_id
         WHERE a.definition_point_id = ?1",
    )?;
    let rows = stmt.query_map([file], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (assignee, stored) = row?;
        if who.contains(&assignee) && role_permissions(&stored).contains(&permission) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The requests on a file, oldest first; only those still open unless `history`.
pub(crate) fn on_file(
    conn: &Connection,
    file: i64,
    history: bool,
) -> Result<Vec<AccessRequestRow>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, state FROM file_access_requests
         WHERE datafile_id = ?1 AND (?2 OR state = 'CREATED') ORDER BY id",
    )?;
    let rows = stmt.query_map(params![file, history], |r| {
        Ok(AccessRequestRow {
            user_id: r.get(0)?,
            state: RequestState::from_stored(&r.get::<_, String>(1)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The newest request of a user on a file (`getAccessRequestForAssignee`).
pub(crate) fn of_user(
    conn: &Connection,
    file: i64,
    user: i64,
) -> Result<Option<RequestState>, Error> {
    let state: Option<String> = conn
        .query_row(
            "SELECT state FROM file_access_requests WHERE datafile_id = ?1 AND user_id = ?2
             ORDER BY id DESC LIMIT 1",
            params![file, user],
            |r| r.get(0),
        )
        .optional()?;
    Ok(state.as_deref().map(RequestState::from_stored))
}

/// Record a new open request.
pub(crate) fn insert(conn: &Connection, file: i64, user: i64, now: &str) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO file_access_requests (datafile_id, user_id, state, created)
         VALUES (?1, ?2, 'CREATED', ?3)",
        params![file, user, now],
    )?;
    Ok(())
}

/// Set the state of the user's newest request on the file; `false` when there is none.
pub(crate) fn set_state(
    conn: &Connection,
    file: i64,
    user: i64,
    state: RequestState,
) -> Result<bool, Error> {
    let n = conn.execute(
        "UPDATE file_access_requests SET state = ?3 WHERE id = (
             SELECT id FROM file_access_requests WHERE datafile_id = ?1 AND user_id = ?2
             ORDER BY id DESC LIMIT 1)",
        params![file, user, state.stored()],
    )?;
    Ok(n > 0)
}

/// Record a guestbook response (a counted download, or an access request).
pub(crate) fn record_response(
    conn: &Connection,
    file: i64,
    dataset: i64,
    user: Option<i64>,
    event_type: &str,
    now: &str,
) -> Result<(), Error> {
    conn.prepare_cached(
        // `initAPIGuestbookResponse`: the dataset's guestbook (else the `Default` one, id 1)
        // and the user's name, email, affiliation and position.
        "INSERT INTO guestbook_responses (datafile_id, dataset_id, user_id, event_type, response_time,
             guestbook_id, name, email, institution, position)
         SELECT ?1, ?2, ?3, ?4, ?5,
             COALESCE((SELECT guestbook_id FROM datasets WHERE id = ?2), 1),
             (SELECT trim(COALESCE(first_name, '') || ' ' || COALESCE(last_name, ''))
                  FROM users WHERE id = ?3),
             (SELECT email FROM users WHERE id = ?3),
             (SELECT affiliation FROM users WHERE id = ?3),
             (SELECT position FROM users WHERE id = ?3)",
    )?
    .execute(params![file, dataset, user, event_type, now])?;
    Ok(())
}

/// `getDownloadCountByDataFileId`: the file's guestbook responses that are not access
/// requests.
pub(crate) fn download_count(conn: &Connection, file: i64) -> Result<i64, Error> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM guestbook_responses WHERE datafile_id = ?1 AND event_type != ?2",
        params![file, EVENT_ACCESS_REQUEST],
        |r| r.get(0),
    )?)
}

/// The username (`user_identifier`) of a user id.
pub(crate) fn username_of(conn: &Connection, user: i64) -> Result<Option<String>, Error> {
    Ok(conn
        .query_row(
            "SELECT user_identifier FROM users WHERE id = ?1",
            [user],
            |r| r.get(0),
        )
        .optional()?)
}
