//! Contact data out of what a role may not see: the phone and e-mail of a contact-me
//! answer are removed (the consent stays, so "asked to be contacted" still shows),
//! both in the answers and in the stored payload.

use crate::store::Row;
use serde_json::Value;

/// Removes phone and e-mail from every contact answer of the row.
pub fn contact(row: &mut Row) {
    if let Some(text) = rewrite(&row.answers, strip_answers) {
        row.answers = text;
    }
    if let Some(text) = rewrite(&row.payload, |payload| {
        if let Some(answers) = payload.get_mut("answers") {
            strip_answers(answers);
        }
    }) {
        row.payload = text;
    }
}

/// Applies `edit` to the parsed JSON; `None` leaves unreadable text as it is (the
/// route reports it when it parses the row).
fn rewrite(text: &str, edit: impl FnOnce(&mut Value)) -> Option<String> {
    let mut value: Value = serde_json::from_str(text).ok()?;
    edit(&mut value);
    serde_json::to_string(&value).ok()
}

fn strip_answers(answers: &mut Value) {
    let Some(map) = answers.as_object_mut() else {
        return;
    };
    for answer in map.values_mut() {
        if let Some(contact) = answer.get_mut("contact").and_then(Value::as_object_mut) {
            contact.remove("phone");
            contact.remove("email");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_and_email_are_removed_everywhere() {
        let answers = r#"{"contact_me":{"contact":{"consent":true,"phone":"13800138000","email":"a@b.cn"}},"nps":{"scale":3}}"#;
        let mut row = Row {
            seq: 1,
            id: "x".into(),
            received_at: String::new(),
            survey_id: "post-service".into(),
            survey_version: 1,
            locale: "zh-CN".into(),
            created_at: String::new(),
            context: "{}".into(),
            answers: answers.into(),
            payload: format!(r#"{{"id":"x","answers":{answers}}}"#),
            score: None,
            client_score: None,
            score_mismatch: false,
            alerts: 1,
            follow_up_due: None,
            dealer: None,
            verified: false,
        };
        contact(&mut row);
        for text in [&row.answers, &row.payload] {
            assert!(
                !text.contains("13800138000") && !text.contains("a@b.cn"),
                "{text}"
            );
            assert!(text.contains(r#""consent":true"#), "{text}");
            assert!(text.contains(r#""scale":3"#), "{text}");
        }
    }
}
