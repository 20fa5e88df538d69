//! Loading a definition: parsing with the path of the field at fault, then every rule
//! rendering, skip logic and scoring rely on, so a broken definition is refused whole
//! instead of rendering half a survey.

use super::*;

use crate::ids::is_valid_id;

/// Where an id is defined, for resolving the question a condition reads.
#[derive(Clone, Copy)]
struct Place<'a> {
    page: usize,
    question: usize,
    /// `None` for a matrix's own id, which has no answer of its own.
    target: Option<Target<'a>>,
}

/// Every id that can be named, sorted for binary search. Sorted lists rather than a
/// `BTreeMap` / `BTreeSet` per key type: each of those compiled a search tree of its own
/// into the widget's wasm (about 12 KB for these four uses).
struct Index<'a>(Vec<(&'a str, Place<'a>)>);

impl<'a> Index<'a> {
    fn get(&self, id: &str) -> Option<&Place<'a>> {
        let at = self.0.binary_search_by(|(k, _)| (*k).cmp(id)).ok()?;
        Some(&self.0[at].1)
    }

    /// Keeps the first place of an id.
    fn add(&mut self, id: &'a str, place: Place<'a>) {
        if let Err(at) = self.0.binary_search_by(|(k, _)| (*k).cmp(id)) {
            self.0.insert(at, (id, place));
        }
    }
}

/// Ids seen so far, for refusing duplicates.
#[derive(Default)]
struct Seen<'a>(Vec<&'a str>);

impl<'a> Seen<'a> {
    /// `false` when `id` was seen before (like `BTreeSet::insert`).
    fn insert(&mut self, id: &'a str) -> bool {
        match self.0.binary_search(&id) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, id);
                true
            }
        }
    }
}

/// What a condition sits on, which decides what "earlier" means.
#[derive(Clone, Copy)]
enum Scope {
    Page(usize),
    Question(usize, usize),
}

/// A checklist group: an id, on yes/no questions only (a screen of single taps), and one
/// run of neighbours on one page (a group split by another question would be two
/// screens that read as one).
fn check_group(at: &str, group: &str, page: &Page, q: usize) -> Result<(), DefinitionError> {
    let at = format!("{at}.group");
    if !is_valid_id(group) {
        return fail(at, id_problem(group));
    }
    if !matches!(page.questions[q].input, Input::YesNo { .. }) {
        return fail(
            at,
            "only yes_no questions can be grouped into a checklist screen",
        );
    }
    let in_group = |i: usize| page.questions[i].group.as_deref() == Some(group);
    let first = (0..q).find(|&i| in_group(i));
    if first.is_some_and(|f| (f..q).any(|i| !in_group(i))) {
        return fail(
            at,
            format!("the questions of group \"{group}\" must be next to each other on the page"),
        );
    }
    Ok(())
}

fn fail<T>(path: impl Into<String>, problem: impl Into<String>) -> Result<T, DefinitionError> {
    Err(DefinitionError {
        path: path.into(),
        problem: problem.into(),
    })
}

impl Definition {
    /// Parses and validates a definition. The error names the first field at fault.
    pub fn from_json(json: &str) -> Result<Self, DefinitionError> {
        let def: Definition = crate::path_error::parse(json)?;
        def.validate()?;
        Ok(def)
    }

    /// Checks every rule rendering, skip logic and scoring rely on.
    pub fn validate(&self) -> Result<(), DefinitionError> {
        if self.format != DEFINITION_FORMAT {
            return fail(
                "format",
                format!("expected \"{DEFINITION_FORMAT}\", found {:?}", self.format),
            );
        }
        for (locale, texts) in &self.widget_texts {
            if !self.locales.iter().any(|l| l.as_str() == locale) {
                return fail(
                    format!("widget_texts.{locale}"),
                    format!("\"{locale}\" is not one of locales"),
                );
            }
            // Every key in the one list (crate::texts), with the placeholders it takes: a
            // misspelt key would otherwise be ignored and the built-in text shown.
            for (key, text) in texts {
                let at = || format!("widget_texts.{locale}.{key}");
                crate::texts::check(key, text).or_else(|problem| fail(at(), problem))?;
                if text.trim().is_empty() || text.chars().count() > 300 {
                    return fail(at(), "must be 1 to 300 characters");
                }
            }
        }
        // Each key in the one list (crate::theme), each value usable, each colour
        // readable where the widget uses it: the dealer hears of it when the definition
        // is saved, not from a customer.
        if let Some((key, problem)) = crate::theme::resolve(&self.theme).1.into_iter().next() {
            return fail(format!("theme.{key}"), problem);
        }
        if let Some(scoring) = &self.scoring {
            scoring.validate().map_err(|e| DefinitionError {
                path: if e.path.is_empty() {
                    "scoring".into()
                } else {
                    format!("scoring.{}", e.path)
                },
                problem: e.problem,
            })?;
        }
        if !is_valid_id(self.id.as_str()) {
            return fail("id", id_problem(self.id.as_str()));
        }
        if self.version == 0 {
            return fail("version", "must be 1 or more");
        }
        if self.locales.is_empty() {
            return fail("locales", "at least one locale is needed");
        }
        let mut seen_locales = Seen::default();
        for (i, l) in self.locales.iter().enumerate() {
            if !Locale::is_well_formed(l.as_str()) {
                return fail(
                    format!("locales[{i}]"),
                    format!("not a language tag: {:?}", l.0),
                );
            }
            if !seen_locales.insert(l.as_str()) {
                return fail(format!("locales[{i}]"), format!("duplicate locale \"{l}\""));
            }
        }
        if !self.locales.contains(&self.default_locale) {
            return fail(
                "default_locale",
                format!("\"{}\" is not one of locales", self.default_locale),
            );
        }
        self.check_text("title", &self.title)?;
        if self.pages.is_empty() {
            return fail("pages", "at least one page is needed");
        }
        let index = self.index();
        let mut page_ids = Seen::default();
        let mut answer_ids = Seen::default();
        for (p, page) in self.pages.iter().enumerate() {
            let at = format!("pages[{p}]");
            if !is_valid_id(&page.id) {
                return fail(format!("{at}.id"), id_problem(&page.id));
            }
            if !page_ids.insert(page.id.as_str()) {
                return fail(
                    format!("{at}.id"),
                    format!("duplicate page id \"{}\"", page.id),
                );
            }
            if let Some(title) = &page.title {
                self.check_text(&format!("{at}.title"), title)?;
            }
            if let Some(c) = &page.show_if {
                check_condition(&format!("{at}.show_if"), c, &index, Scope::Page(p))?;
            }
            if page.questions.is_empty() {
                return fail(
                    format!("{at}.questions"),
                    "a page needs at least one question",
                );
            }
            for (q, question) in page.questions.iter().enumerate() {
                let at = format!("{at}.questions[{q}]");
                self.check_question(&at, question, &mut answer_ids)?;
                if let Some(g) = &question.group {
                    check_group(&at, g, page, q)?;
                }
                if let Some(c) = &question.show_if {
                    check_condition(&format!("{at}.show_if"), c, &index, Scope::Question(p, q))?;
                }
            }
        }
        let first_is_shown = self.pages[0]
            .questions
            .iter()
            .any(|q| q.show_if.is_none() && !q.input.is_hidden());
        if !first_is_shown {
            return fail(
                "pages[0].questions",
                "the first page needs a question that is always shown (not hidden, no show_if)",
            );
        }
        Ok(())
    }

    /// Every id that can be named, at its first definition (duplicates are refused later).
    fn index(&self) -> Index<'_> {
        let mut index = Index(Vec::new());
        for (p, page) in self.pages.iter().enumerate() {
            for (q, question) in page.questions.iter().enumerate() {
                let place = |target| Place {
                    page: p,
                    question: q,
                    target,
                };
                if let Input::Matrix { items, .. } = &question.input {
                    index.add(question.id.as_str(), place(None));
                    for item in items {
                        index.add(
                            item.id.as_str(),
                            place(Some(Target::Item {
                                matrix: question,
                                item,
                            })),
                        );
                    }
                } else {
                    index.add(
                        question.id.as_str(),
                        place(Some(Target::Question(question))),
                    );
                }
            }
        }
        index
    }

    fn check_question<'a>(
        &self,
        at: &str,
        question: &'a Question,
        answer_ids: &mut Seen<'a>,
    ) -> Result<(), DefinitionError> {
        let mut claim = |path: String, id: &'a QuestionId| {
            if !is_valid_id(id.as_str()) {
                return fail(path, id_problem(id.as_str()));
            }
            if !answer_ids.insert(id.as_str()) {
                return fail(path, format!("duplicate question id \"{id}\""));
            }
            Ok(())
        };
        claim(format!("{at}.id"), &question.id)?;
        self.check_text(&format!("{at}.text"), &question.text)?;
        let input_at = format!("{at}.input");
        self.check_input(&input_at, &question.input)?;
        if let Input::Matrix { items, .. } = &question.input {
            for (i, item) in items.iter().enumerate() {
                let item_at = format!("{input_at}.items[{i}]");
                claim(format!("{item_at}.id"), &item.id)?;
                self.check_text(&format!("{item_at}.text"), &item.text)?;
                if let Some(s) = &item.scoring {
                    let target = Target::Item {
                        matrix: question,
                        item,
                    };
                    check_scoring(&format!("{item_at}.scoring"), s, target)?;
                }
            }
        }
        if question.input.is_hidden() && question.required {
            return fail(
                format!("{at}.required"),
                "a hidden question is never required of the customer",
            );
        }
        if let Some(s) = &question.scoring {
            let at = format!("{at}.scoring");
            match &question.input {
                Input::Hidden { .. } => return fail(at, "a hidden question is not scored"),
                Input::Matrix { .. } => {
                    return fail(
                        at,
                        "a matrix is scored by its items; put scoring on each item",
                    )
                }
                _ => check_scoring(&at, s, Target::Question(question))?,
            }
        }
        Ok(())
    }

    fn check_input(&self, at: &str, input: &Input) -> Result<(), DefinitionError> {
        match input {
            Input::Rating {
                points, low, high, ..
            } => {
                if !(2..=10).contains(points) {
                    return fail(
                        format!("{at}.points"),
                        format!("a rating scale has 2 to 10 points, found {points}"),
                    );
                }
                self.check_text(&format!("{at}.low"), low)?;
                self.check_text(&format!("{at}.high"), high)
            }
            Input::Nps { low, high } => {
                self.check_text(&format!("{at}.low"), low)?;
                self.check_text(&format!("{at}.high"), high)
            }
            Input::YesNo { .. } => Ok(()),
            Input::Text { max_length, .. } => {
                if !(1..=5000).contains(max_length) {
                    return fail(
                        format!("{at}.max_length"),
                        format!("must be 1 to 5000 characters, found {max_length}"),
                    );
                }
                Ok(())
            }
            Input::SingleChoice { options } => self.check_options(at, options),
            Input::MultiChoice {
                options,
                min_selected,
                max_selected,
            } => {
                self.check_options(at, options)?;
                let n = options.len();
                if let Some(max) = max_selected {
                    if *max == 0 {
                        return fail(format!("{at}.max_selected"), "must be at least 1");
                    }
                    if usize::from(*max) > n {
                        return fail(
                            format!("{at}.max_selected"),
                            format!("{max} is more than the {n} options"),
                        );
                    }
                }
                if let Some(min) = min_selected {
                    if usize::from(*min) > n {
                        return fail(
                            format!("{at}.min_selected"),
                            format!("{min} is more than the {n} options"),
                        );
                    }
                    if let Some(max) = max_selected.filter(|max| min > max) {
                        return fail(
                            format!("{at}.min_selected"),
                            format!("{min} is more than max_selected ({max})"),
                        );
                    }
                }
                Ok(())
            }
            Input::Matrix {
                points,
                low,
                high,
                items,
                ..
            } => {
                if !(2..=10).contains(points) {
                    return fail(
                        format!("{at}.points"),
                        format!("a matrix scale has 2 to 10 points, found {points}"),
                    );
                }
                self.check_text(&format!("{at}.low"), low)?;
                self.check_text(&format!("{at}.high"), high)?;
                if items.len() < 2 {
                    return fail(
                        format!("{at}.items"),
                        format!(
                            "a matrix needs at least 2 items (use a rating for one), found {}",
                            items.len()
                        ),
                    );
                }
                Ok(())
            }
            Input::Contact { channels } => {
                if channels.is_empty() {
                    return fail(
                        format!("{at}.channels"),
                        "at least one channel (phone, email) is needed",
                    );
                }
                for (i, c) in channels.iter().enumerate() {
                    if channels[..i].contains(c) {
                        return fail(
                            format!("{at}.channels[{i}]"),
                            format!("duplicate channel \"{}\"", channel_name(*c)),
                        );
                    }
                }
                Ok(())
            }
            Input::Hidden { source } => {
                if !is_valid_id(source) {
                    return fail(format!("{at}.source"), id_problem(source));
                }
                Ok(())
            }
        }
    }

    fn check_options(&self, at: &str, options: &[ChoiceOption]) -> Result<(), DefinitionError> {
        if options.len() < 2 {
            return fail(
                format!("{at}.options"),
                format!(
                    "a choice question needs at least 2 options, found {}",
                    options.len()
                ),
            );
        }
        let mut seen = Seen::default();
        for (i, o) in options.iter().enumerate() {
            let at = format!("{at}.options[{i}]");
            if !is_valid_id(&o.value) {
                return fail(format!("{at}.value"), id_problem(&o.value));
            }
            if !seen.insert(o.value.as_str()) {
                return fail(
                    format!("{at}.value"),
                    format!("duplicate option \"{}\"", o.value),
                );
            }
            self.check_text(&format!("{at}.label"), &o.label)?;
        }
        Ok(())
    }

    fn check_text(&self, at: &str, text: &LocalizedText) -> Result<(), DefinitionError> {
        for l in &self.locales {
            if !text.has(l) {
                return fail(at, format!("missing text for locale \"{l}\""));
            }
        }
        Ok(())
    }
}

fn check_condition(
    at: &str,
    cond: &Condition,
    index: &Index<'_>,
    scope: Scope,
) -> Result<(), DefinitionError> {
    match cond {
        Condition::All(cs) | Condition::Any(cs) => {
            let name = if matches!(cond, Condition::All(_)) {
                "all"
            } else {
                "any"
            };
            if cs.is_empty() {
                return fail(format!("{at}.{name}"), "needs at least one condition");
            }
            for (i, c) in cs.iter().enumerate() {
                check_condition(&format!("{at}.{name}[{i}]"), c, index, scope)?;
            }
            Ok(())
        }
        Condition::Not(c) => check_condition(&format!("{at}.not"), c, index, scope),
        Condition::Answered { question } => {
            resolve_ref(&format!("{at}.answered"), question, index, scope).map(|_| ())
        }
        Condition::AtMost { question, value } | Condition::AtLeast { question, value } => {
            let name = if matches!(cond, Condition::AtMost { .. }) {
                "at_most"
            } else {
                "at_least"
            };
            let at = format!("{at}.{name}");
            let target = resolve_ref(&at, question, index, scope)?;
            match target.scale() {
                None => fail(
                    at,
                    format!(
                        "{name} needs a rating, nps or matrix item; \"{question}\" is {}",
                        target.kind()
                    ),
                ),
                Some((lo, hi)) if !(lo..=hi).contains(value) => fail(
                    at,
                    format!("value {value} is outside the {lo} to {hi} scale of \"{question}\""),
                ),
                Some(_) => Ok(()),
            }
        }
        Condition::Equals { question, value } => {
            let at = format!("{at}.equals");
            let target = resolve_ref(&at, question, index, scope)?;
            match target.check(Some(value)) {
                Ok(()) => Ok(()),
                Err(e) => fail(
                    at,
                    format!(
                        "\"{question}\" can never have the answer {}: {e}",
                        serde_json::to_string(value).unwrap_or_default()
                    ),
                ),
            }
        }
        Condition::Includes { question, option } => {
            let at = format!("{at}.includes");
            let target = resolve_ref(&at, question, index, scope)?;
            let options = match target {
                Target::Question(q) => q.input.options(),
                Target::Item { .. } => None,
            };
            let Some(options) = options else {
                return fail(
                    at,
                    format!(
                        "includes needs a single_choice or multi_choice question; \"{question}\" is {}",
                        target.kind()
                    ),
                );
            };
            if options.iter().any(|o| &o.value == option) {
                Ok(())
            } else {
                fail(at, format!("\"{question}\" has no option \"{option}\""))
            }
        }
    }
}

/// The target a condition names, if it exists and is answered before the condition applies.
fn resolve_ref<'a>(
    at: &str,
    id: &QuestionId,
    index: &Index<'a>,
    scope: Scope,
) -> Result<Target<'a>, DefinitionError> {
    let Some(place) = index.get(id.as_str()) else {
        return fail(at, format!("unknown question \"{id}\""));
    };
    match scope {
        Scope::Page(p) if place.page >= p => {
            return fail(
                at,
                format!(
                    "\"{id}\" is not on an earlier page (a page's show_if can only use answers from earlier pages)"
                ),
            )
        }
        Scope::Question(p, q) if place.page > p || (place.page == p && place.question >= q) => {
            return fail(
                at,
                format!(
                    "\"{id}\" is not asked before this question (a show_if can only use earlier answers)"
                ),
            )
        }
        _ => {}
    }
    place.target.ok_or_else(|| DefinitionError {
        path: at.to_string(),
        problem: format!("\"{id}\" is a matrix; a condition names one of its items"),
    })
}

/// Scoring metadata must fit the answer: only a scored kind of item (rating, NPS,
/// yes/no, matrix item) gives a number, and each role needs its own kind.
fn check_scoring(at: &str, s: &ScoringMeta, target: Target<'_>) -> Result<(), DefinitionError> {
    let kind = target.item_kind();
    let name = target.kind();
    if s.dimension.is_some() && kind.is_none() {
        return fail(
            format!("{at}.dimension"),
            format!("a {name} question gives no number to score"),
        );
    }
    if let Some(w) = s.weight {
        if kind.is_none() {
            return fail(
                format!("{at}.weight"),
                format!("a {name} question gives no number to weigh"),
            );
        }
        if !(w.is_finite() && w > 0.0) {
            return fail(
                format!("{at}.weight"),
                format!("must be a positive number, found {w}"),
            );
        }
    }
    if let Some(role) = s.role {
        let (fits, needs) = match role {
            MetricRole::Nps => (kind == Some(ItemKind::Nps), "an nps"),
            MetricRole::Csat | MetricRole::Ces | MetricRole::Overall => (
                matches!(kind, Some(ItemKind::Rating | ItemKind::Matrix)),
                "a rating (or matrix item)",
            ),
            MetricRole::Fcr | MetricRole::Process => (kind == Some(ItemKind::YesNo), "a yes_no"),
        };
        if !fits {
            return fail(
                format!("{at}.role"),
                format!(
                    "role \"{}\" needs {needs} question, not {name}",
                    role.name()
                ),
            );
        }
    }
    Ok(())
}

fn channel_name(c: ContactChannel) -> &'static str {
    match c {
        ContactChannel::Phone => "phone",
        ContactChannel::Email => "email",
    }
}

fn id_problem(id: &str) -> String {
    format!("{id:?} is not a valid id (1-64 letters, digits, '_' or '-')")
}
