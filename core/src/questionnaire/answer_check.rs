//! Whether one answer fits its question (the widget before sending, the collector on
//! receipt: the same code).

use super::*;
use crate::answers::{is_valid_email, is_valid_phone, ContactAnswer, MAX_HIDDEN_LENGTH};

impl Question {
    /// Checks one answer against this question's input; `None` means unanswered. For a
    /// matrix this is the check of one of its items (each item is answered on its own).
    ///
    /// A hidden question is never required; its value is text of at most 128 characters.
    /// A contact question is answered by `consent: false` (the customer declined) or by
    /// `consent: true` with at least one valid means the question offers; contact data
    /// sent without consent is refused.
    pub fn check(&self, answer: Option<&Answer>) -> Result<(), AnswerError> {
        let Some(answer) = answer else {
            return if self.required && !self.input.is_hidden() {
                Err(AnswerError::Required)
            } else {
                Ok(())
            };
        };
        match (&self.input, answer) {
            (Input::Rating { points, .. } | Input::Matrix { points, .. }, Answer::Scale(v)) => {
                if (1..=*points).contains(v) {
                    Ok(())
                } else {
                    Err(AnswerError::OutOfRange {
                        min: 1,
                        max: *points,
                    })
                }
            }
            (Input::Nps { .. }, Answer::Scale(v)) => {
                if *v <= 10 {
                    Ok(())
                } else {
                    Err(AnswerError::OutOfRange { min: 0, max: 10 })
                }
            }
            (
                Input::Rating { allow_na, .. }
                | Input::Matrix { allow_na, .. }
                | Input::YesNo { allow_na },
                Answer::NotApplicable,
            ) => {
                if *allow_na {
                    Ok(())
                } else {
                    Err(AnswerError::NotApplicableNotAllowed)
                }
            }
            (Input::YesNo { .. }, Answer::YesNo(_)) => Ok(()),
            (Input::Text { max_length, .. }, Answer::Text(t)) => {
                let len = t.chars().count();
                if len > *max_length as usize {
                    Err(AnswerError::TooLong {
                        max: *max_length,
                        found: len,
                    })
                } else if t.trim().is_empty() && self.required {
                    Err(AnswerError::Required)
                } else {
                    Ok(())
                }
            }
            (Input::Hidden { .. }, Answer::Text(t)) => {
                let len = t.chars().count();
                if len > MAX_HIDDEN_LENGTH as usize {
                    Err(AnswerError::TooLong {
                        max: MAX_HIDDEN_LENGTH,
                        found: len,
                    })
                } else {
                    Ok(())
                }
            }
            (Input::SingleChoice { options }, Answer::Choice(c)) => {
                if options.iter().any(|o| &o.value == c) {
                    Ok(())
                } else {
                    Err(AnswerError::UnknownOption(c.clone()))
                }
            }
            (
                Input::MultiChoice {
                    options,
                    min_selected,
                    max_selected,
                },
                Answer::Choices(chosen),
            ) => {
                // Every earlier choice is a distinct option by now, so this looks at
                // fewer than `options.len()` of them, however long the answer.
                for (i, c) in chosen.iter().enumerate() {
                    if !options.iter().any(|o| &o.value == c) {
                        return Err(AnswerError::UnknownOption(c.clone()));
                    }
                    if chosen[..i].contains(c) {
                        return Err(AnswerError::DuplicateOption(c.clone()));
                    }
                }
                if chosen.is_empty() {
                    return if self.required {
                        Err(AnswerError::Required)
                    } else {
                        Ok(())
                    };
                }
                let min = min_selected.unwrap_or(1).max(1);
                let max = max_selected.unwrap_or(u8::try_from(options.len()).unwrap_or(u8::MAX));
                if (usize::from(min)..=usize::from(max)).contains(&chosen.len()) {
                    Ok(())
                } else {
                    Err(AnswerError::SelectionCount { min, max })
                }
            }
            (Input::Contact { channels }, Answer::Contact(c)) => check_contact(channels, c),
            _ => Err(AnswerError::WrongType),
        }
    }

    /// The answer keys of this question: its own id, or each item of a matrix.
    pub fn targets(&self) -> Vec<Target<'_>> {
        match &self.input {
            Input::Matrix { items, .. } => items
                .iter()
                .map(|item| Target::Item { matrix: self, item })
                .collect(),
            _ => vec![Target::Question(self)],
        }
    }

    /// Checks every answer this question takes (a matrix: each item), in order.
    pub fn check_in(&self, answers: &Answers) -> Vec<(QuestionId, AnswerError)> {
        self.targets()
            .into_iter()
            .filter_map(|t| {
                t.check(answers.get(t.id()))
                    .err()
                    .map(|e| (t.id().clone(), e))
            })
            .collect()
    }
}

fn check_contact(channels: &[ContactChannel], c: &ContactAnswer) -> Result<(), AnswerError> {
    if !c.consent {
        return if c.phone.is_some() || c.email.is_some() {
            Err(AnswerError::ContactWithoutConsent)
        } else {
            Ok(())
        };
    }
    if let Some(phone) = &c.phone {
        if !channels.contains(&ContactChannel::Phone) {
            return Err(AnswerError::ChannelNotOffered);
        }
        if !is_valid_phone(phone) {
            return Err(AnswerError::InvalidPhone);
        }
    }
    if let Some(email) = &c.email {
        if !channels.contains(&ContactChannel::Email) {
            return Err(AnswerError::ChannelNotOffered);
        }
        if !is_valid_email(email) {
            return Err(AnswerError::InvalidEmail);
        }
    }
    if c.phone.is_none() && c.email.is_none() {
        return Err(AnswerError::ContactMissing);
    }
    Ok(())
}
