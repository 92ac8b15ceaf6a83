//! `JsonPrinter.json(Guestbook)`, `json(CustomQuestion)` and `json(GuestbookResponse)`.

use serde_json::{Map, Value};

use crate::store::guestbooks::{Guestbook, Question, StoredResponse};

/// `json(CustomQuestion)`.
fn question(q: &Question) -> Value {
    let mut m = Map::new();
    if let Some(id) = q.id {
        m.insert("id".into(), id.into());
    }
    m.insert("question".into(), q.question.clone().into());
    m.insert("required".into(), q.required.into());
    m.insert("displayOrder".into(), q.display_order.into());
    m.insert("type".into(), q.kind.clone().into());
    m.insert("hidden".into(), q.hidden.into());
    if !q.options.is_empty() {
        let values: Vec<Value> = q
            .options
            .iter()
            .map(|v| {
                let mut o = Map::new();
                if let Some(id) = v.id {
                    o.insert("id".into(), id.into());
                }
                o.insert("value".into(), v.value.clone().into());
                o.insert("displayOrder".into(), v.display_order.into());
                Value::Object(o)
            })
            .collect();
        m.insert("optionValues".into(), values.into());
    }
    Value::Object(m)
}

/// `json(Guestbook)`, with `usageCount`/`responseCount` when they were counted.
pub(crate) fn guestbook(gb: &Guestbook, counts: Option<(i64, i64)>) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), gb.id.into());
    // NullSafeJsonBuilder leaves out a null name.
    if let Some(n) = &gb.name {
        m.insert("name".into(), n.clone().into());
    }
    m.insert("enabled".into(), gb.enabled.into());
    m.insert("emailRequired".into(), gb.email_required.into());
    m.insert("nameRequired".into(), gb.name_required.into());
    m.insert("institutionRequired".into(), gb.institution_required.into());
    m.insert("positionRequired".into(), gb.position_required.into());
    if let Some((usage, responses)) = counts {
        m.insert("usageCount".into(), usage.into());
        m.insert("responseCount".into(), responses.into());
    }
    if !gb.questions.is_empty() {
        let qs: Vec<Value> = gb.questions.iter().map(question).collect();
        m.insert("customQuestions".into(), qs.into());
    }
    if let Some(t) = &gb.create_time {
        m.insert("createTime".into(), t.clone().into());
    }
    if let Some(dv) = gb.dataverse_id {
        m.insert("dataverseId".into(), dv.into());
    }
    Value::Object(m)
}

/// What a response names besides itself: the dataset's title and identifier, the file's
/// name and PID.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResponseContext {
    pub dataset_title: String,
    /// `Dataset.getIdentifier()`: the PID without protocol and authority.
    pub dataset_identifier: String,
    pub file_name: String,
    pub file_pid: Option<String>,
}

/// `json(GuestbookResponse)`.
pub(crate) fn response(r: &StoredResponse, ctx: &ResponseContext) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), r.id.into());
    m.insert("dataset".into(), ctx.dataset_title.clone().into());
    m.insert("datasetPid".into(), ctx.dataset_identifier.clone().into());
    m.insert("date".into(), r.response_time.clone().into());
    m.insert("type".into(), r.event_type.clone().into());
    m.insert("fileName".into(), ctx.file_name.clone().into());
    m.insert("fileId".into(), r.datafile_id.into());
    if let Some(p) = &ctx.file_pid {
        m.insert("filePid".into(), p.clone().into());
    }
    if let Some(n) = r.name.as_ref().filter(|n| !n.trim().is_empty()) {
        m.insert("name".into(), n.clone().into());
    }
    for (key, v) in [
        ("email", &r.email),
        ("institution", &r.institution),
        ("position", &r.position),
    ] {
        if let Some(v) = v {
            m.insert(key.into(), v.clone().into());
        }
    }
    if !r.answers.is_empty() {
        let qs: Vec<Value> = r
            .answers
            .iter()
            .map(|(q, a)| {
                let mut o = Map::new();
                o.insert("question".into(), q.clone().into());
                if let Some(a) = a {
                    o.insert("response".into(), a.clone().into());
                }
                Value::Object(o)
            })
            .collect();
        m.insert("customQuestions".into(), qs.into());
    }
    Value::Object(m)
}
