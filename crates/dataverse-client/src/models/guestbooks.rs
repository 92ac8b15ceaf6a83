//! Models of guestbooks (`/api/guestbooks`): a guestbook with its custom questions, the
//! responses recorded for it, and the response a downloader gives
//! ([`GuestbookResponse`], sent as `{"guestbookResponse": {...}}`).

use serde::{Deserialize, Serialize};

use super::Extra;

/// One option of a custom question of type `options`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionOption {
    /// Database id (set by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The option's text.
    pub value: String,
    /// Position among the options.
    #[serde(default)]
    pub display_order: i64,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A custom question of a guestbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomQuestion {
    /// Database id (set by the server; an answer names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The question's text.
    pub question: String,
    /// Whether an answer is required.
    #[serde(default)]
    pub required: bool,
    /// Position among the questions.
    #[serde(default)]
    pub display_order: i64,
    /// `text`, `textarea` or `options`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Hidden from the download form.
    #[serde(default)]
    pub hidden: bool,
    /// The choices of an `options` question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub option_values: Vec<QuestionOption>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CustomQuestion {
    /// A question of `kind` (`text`, `textarea`, `options`) at position `display_order`.
    pub fn new(question: impl Into<String>, kind: impl Into<String>, display_order: i64) -> Self {
        CustomQuestion {
            id: None,
            question: question.into(),
            required: false,
            display_order,
            kind: kind.into(),
            hidden: false,
            option_values: Vec::new(),
            extra: Extra::new(),
        }
    }
}

/// A guestbook, as the server prints it and as it is created or updated (the server needs
/// every flag; [`Guestbook::new`] sets them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guestbook {
    /// Database id (set by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether downloads ask for it.
    #[serde(default)]
    pub enabled: bool,
    /// Whether the answerer's email is required.
    #[serde(default)]
    pub email_required: bool,
    /// Whether the answerer's name is required.
    #[serde(default)]
    pub name_required: bool,
    /// Whether the answerer's institution is required.
    #[serde(default)]
    pub institution_required: bool,
    /// Whether the answerer's position is required.
    #[serde(default)]
    pub position_required: bool,
    /// Datasets in the collection using it (`includeStats`, and in a responses page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_count: Option<u64>,
    /// Responses on datasets in the collection (`includeStats`, and in a responses page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_count: Option<u64>,
    /// Its custom questions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_questions: Vec<CustomQuestion>,
    /// When it was created (`yyyy-MM-ddTHH:mm:ssZ`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// The collection defining it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataverse_id: Option<u64>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Guestbook {
    /// An enabled guestbook named `name` asking for nothing in particular.
    pub fn new(name: impl Into<String>) -> Self {
        Guestbook {
            id: None,
            name: Some(name.into()),
            enabled: true,
            email_required: false,
            name_required: false,
            institution_required: false,
            position_required: false,
            usage_count: None,
            response_count: None,
            custom_questions: Vec::new(),
            create_time: None,
            dataverse_id: None,
            extra: Extra::new(),
        }
    }
}

/// The answer to one custom question: text, or lines for a `textarea` question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    /// A single text (also an option's text).
    Text(String),
    /// Lines of a `textarea` answer (joined with newlines by the server).
    Lines(Vec<String>),
}

/// The answer to one custom question, by the question's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestbookAnswer {
    /// The question's id ([`CustomQuestion::id`]).
    pub id: u64,
    /// The answer.
    pub value: AnswerValue,
}

/// What a downloader answers a guestbook with. Name, email, institution and position left
/// out are taken from the signed-in user's account by the server; an email that is not
/// valid is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestbookResponse {
    /// The answerer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The answerer's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The answerer's institution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// The answerer's position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// Answers to the custom questions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<GuestbookAnswer>,
}

impl GuestbookResponse {
    /// An empty response (the server fills in the account's details).
    pub fn new() -> Self {
        Self::default()
    }

    /// The request body: `{"guestbookResponse": {...}}`.
    pub fn to_body(&self) -> serde_json::Value {
        serde_json::json!({ "guestbookResponse": self })
    }
}

/// One answer of a recorded response: the question's text and what was answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedAnswer {
    /// The question's text.
    pub question: String,
    /// The answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
}

/// A response recorded for a guestbook (a download or an access request).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedResponse {
    /// Database id.
    pub id: u64,
    /// The dataset's title.
    #[serde(default)]
    pub dataset: String,
    /// The dataset's identifier (without protocol and authority, as Dataverse prints it).
    #[serde(default)]
    pub dataset_pid: String,
    /// When (`yyyy-MM-ddTHH:mm:ssZ`).
    #[serde(default)]
    pub date: String,
    /// `Download`, `AccessRequest`, ...
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The file's name.
    #[serde(default)]
    pub file_name: String,
    /// The file's id.
    pub file_id: u64,
    /// The file's PID, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_pid: Option<String>,
    /// The answerer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The answerer's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The answerer's institution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// The answerer's position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// Answers to the custom questions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_questions: Vec<RecordedAnswer>,
    /// Fields this library does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Links to the neighbouring pages of a responses listing (with `limit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponsesPagination {
    /// The previous page's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// The next page's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// All responses of the guestbook in its collection.
    #[serde(default)]
    pub total_responses: u64,
}

/// `GET /api/guestbooks/{id}/responses`: the guestbook with its counts, the responses
/// (newest first) and, with a limit, the pagination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuestbookResponses {
    /// The guestbook, with `usageCount` and `responseCount`.
    pub guestbook: Guestbook,
    /// The responses of this page.
    #[serde(default)]
    pub responses: Vec<RecordedResponse>,
    /// Present when a limit was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<ResponsesPagination>,
}

/// A dataset's choice of when its guestbook is answered
/// (`GET /api/datasets/{id}/guestbookEntryAtRequest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AtRequestAnswer")]
pub struct GuestbookAtRequest {
    /// Whether the guestbook is answered when access is requested (else on download).
    pub at_request: bool,
    /// Whether the dataset has a choice of its own (else the installation's default
    /// applies).
    pub set_on_dataset: bool,
}

/// What the server answers: the dataset's own choice as a JSON boolean, or
/// `{"message": "Not set on dataset, using the default: true"}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum AtRequestAnswer {
    Own(bool),
    Default { message: String },
}

impl TryFrom<AtRequestAnswer> for GuestbookAtRequest {
    type Error = String;

    fn try_from(answer: AtRequestAnswer) -> Result<Self, String> {
        match answer {
            AtRequestAnswer::Own(at_request) => Ok(GuestbookAtRequest {
                at_request,
                set_on_dataset: true,
            }),
            AtRequestAnswer::Default { message } => {
                match message.rsplit_once(':').map(|(_, v)| v.trim()) {
                    Some("true") => Ok(GuestbookAtRequest {
                        at_request: true,
                        set_on_dataset: false,
                    }),
                    Some("false") => Ok(GuestbookAtRequest {
                        at_request: false,
                        set_on_dataset: false,
                    }),
                    _ => Err(format!(
                        "expected a boolean or a message ending in the default, got {message:?}"
                    )),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_body_shape() {
        let r = GuestbookResponse {
            name: Some("Ada".into()),
            answers: vec![
                GuestbookAnswer {
                    id: 3,
                    value: AnswerValue::Text("Yes".into()),
                },
                GuestbookAnswer {
                    id: 4,
                    value: AnswerValue::Lines(vec!["a".into(), "b".into()]),
                },
            ],
            ..GuestbookResponse::default()
        };
        assert_eq!(
            r.to_body(),
            serde_json::json!({"guestbookResponse": {"name": "Ada", "answers": [
                {"id": 3, "value": "Yes"}, {"id": 4, "value": ["a", "b"]}]}})
        );
        let back: GuestbookResponse =
            serde_json::from_value(r.to_body()["guestbookResponse"].clone()).unwrap();
        assert_eq!(back, r);
    }

    fn at_request(json: &str) -> Result<GuestbookAtRequest, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn at_request_own_choice_default_and_nonsense() {
        let own = at_request("true").unwrap();
        assert!(own.at_request && own.set_on_dataset);
        let default =
            at_request(r#"{"message":"Not set on dataset, using the default: false"}"#).unwrap();
        assert!(!default.at_request && !default.set_on_dataset);
        let err = at_request(r#"{"message":"Something else"}"#).unwrap_err();
        assert!(err.to_string().contains("Something else"), "{err}");
        assert!(at_request(r#""yes""#).is_err());
    }
}
