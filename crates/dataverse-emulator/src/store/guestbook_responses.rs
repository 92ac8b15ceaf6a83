//! A collection's guestbook responses as `GuestbookResponseServiceBean.getGuestbookResults`
//! and `selectCustomQuestionAnswers` read them for the CSV download.

use rusqlite::{Connection, params};

use crate::Error;

/// One row of `BASE_QUERY_STRING_FOR_DOWNLOAD_AS_CSV`.
#[derive(Debug, Clone)]
pub(crate) struct CsvRow {
    pub id: i64,
    pub guestbook: Option<String>,
    pub dataset_id: i64,
    pub response_time: String,
    pub event_type: String,
    /// `m.label` of the newest version listing the file.
    pub file_name: String,
    pub datafile_id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub institution: Option<String>,
    pub position: Option<String>,
    /// `(question, answer)` in question order (`order by g.id, q.id`).
    pub answers: Vec<(String, Option<String>)>,
}

/// The responses of the datasets a collection owns directly (`o.owner_id`, no
/// sub-collections), of one guestbook when given, for files some version lists (the join
/// on `filemetadata`), newest response id first (`ORDER by r.id DESC`).
pub(crate) fn of_collection(
    conn: &Connection,
    dataverse: i64,
    guestbook: Option<i64>,
) -> Result<Vec<CsvRow>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, g.name, r.dataset_id, r.response_time, r.event_type,
             (SELECT m.label FROM filemetadatas m WHERE m.datafile_id = r.datafile_id
              ORDER BY m.version_id DESC LIMIT 1),
             r.datafile_id, r.name, r.email, r.institution, r.position
         FROM guestbook_responses r
         JOIN guestbooks g ON g.id = r.guestbook_id
         JOIN datasets o ON o.id = r.dataset_id
         WHERE o.owner_id = ?1 AND (?2 IS NULL OR r.guestbook_id = ?2)
           AND EXISTS (SELECT 1 FROM filemetadatas m WHERE m.datafile_id = r.datafile_id)
         ORDER BY r.id DESC",
    )?;
    let mut out = stmt
        .query_map(params![dataverse, guestbook], |r| {
            Ok(CsvRow {
                id: r.get(0)?,
                guestbook: r.get(1)?,
                dataset_id: r.get(2)?,
                response_time: r.get(3)?,
                event_type: r.get(4)?,
                file_name: r.get(5)?,
                datafile_id: r.get(6)?,
                name: r.get(7)?,
                email: r.get(8)?,
                institution: r.get(9)?,
                position: r.get(10)?,
                answers: Vec::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    // The question text is the question's current one (`q.questionstring`); an answer to a
    // question since removed drops out with the join, as in Java.
    let mut answers = conn.prepare_cached(
        "SELECT q.question, a.response FROM guestbook_answers a
         JOIN guestbook_questions q ON q.id = a.question_id
         WHERE a.response_id = ?1 ORDER BY q.id",
    )?;
    for row in &mut out {
        row.answers = answers
            .query_map([row.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
    }
    Ok(out)
}
