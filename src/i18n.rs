//! The widget's own texts (buttons, messages) in every language it ships.
//!
//! Questionnaire texts come from the definition; these are the words around them.
//! A `match` per language means a missing translation is a compile error.

use survey_core::answers::AnswerError;
use survey_core::Locale;

/// One of the widget's own texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Next,
    Back,
    Submit,
    Sending,
    Yes,
    No,
    NotApplicable,
    Language,
    ThanksTitle,
    ThanksBody,
    SendFailed,
    TryAgain,
    ErrorTitle,
    FixProblems,
    ContactConsent,
    Phone,
    Email,
    SorryTitle,
    SorryBody,
    WillContact,
    DelightedBody,
    LeaveReview,
    KioskWelcome,
    KioskStart,
    StillThere,
    KeepGoing,
    QueuedOffline,
    NotStorable,
    NotStorableRetry,
    AlreadyAnswered,
    OnceOnly,
    NotRecorded,
    RefusedTitle,
    ServerDown,
    ContactPurpose,
}

impl Msg {
    /// The key a definition's `widget_texts` uses for this text.
    pub fn key(self) -> &'static str {
        match self {
            Msg::Next => "next",
            Msg::Back => "back",
            Msg::Submit => "submit",
            Msg::Sending => "sending",
            Msg::Yes => "yes",
            Msg::No => "no",
            Msg::NotApplicable => "not_applicable",
            Msg::Language => "language",
            Msg::ThanksTitle => "thanks_title",
            Msg::ThanksBody => "thanks_body",
            Msg::SendFailed => "send_failed",
            Msg::TryAgain => "try_again",
            Msg::ErrorTitle => "error_title",
            Msg::FixProblems => "fix_problems",
            Msg::ContactConsent => "contact_consent",
            Msg::Phone => "phone",
            Msg::Email => "email",
            Msg::SorryTitle => "sorry_title",
            Msg::SorryBody => "sorry_body",
            Msg::WillContact => "will_contact",
            Msg::DelightedBody => "delighted_body",
            Msg::LeaveReview => "leave_review",
            Msg::KioskWelcome => "kiosk_welcome",
            Msg::KioskStart => "kiosk_start",
            Msg::StillThere => "still_there",
            Msg::KeepGoing => "keep_going",
            Msg::QueuedOffline => "queued_offline",
            Msg::NotStorable => "not_storable",
            Msg::NotStorableRetry => "not_storable_retry",
            Msg::AlreadyAnswered => "already_answered",
            Msg::OnceOnly => "once_only",
            Msg::NotRecorded => "not_recorded",
            Msg::RefusedTitle => "refused_title",
            Msg::ServerDown => "server_down",
            Msg::ContactPurpose => "contact_purpose",
        }
    }
}

thread_local! {
    /// Texts a definition supplied (`widget_texts`), by (locale, key). Leaked once per
    /// loaded definition so `t` can keep returning `&'static str`; a page loads a few.
    static OVERRIDES: std::cell::RefCell<std::collections::BTreeMap<(String, String), &'static str>> =
        Default::default();
}

/// Makes a definition's own widget texts (a dealer's added language, or rewording)
/// take precedence over the built-in ones.
pub fn register(def: &survey_core::Definition) {
    OVERRIDES.with(|o| {
        let mut o = o.borrow_mut();
        for (locale, texts) in &def.widget_texts {
            for (key, text) in texts {
                let slot = (locale.clone(), key.clone());
                // The same text again (a server rendering the same survey per request)
                // must not leak another copy.
                if o.get(&slot).is_some_and(|t| *t == text.as_str()) {
                    continue;
                }
                let text: &'static str = Box::leak(text.clone().into_boxed_str());
                o.insert(slot, text);
            }
        }
    });
}

fn lookup(locale: &Locale, key: &str) -> Option<&'static str> {
    OVERRIDES.with(|o| {
        o.borrow()
            .get(&(locale.as_str().to_string(), key.to_string()))
            .copied()
    })
}

/// Languages the widget's own texts exist in.
pub const UI_LOCALES: &[&str] = &["zh-CN", "zh-TW", "en"];

/// The name of a language in itself, for the language switch.
pub fn language_name(tag: &str) -> &str {
    if let Some(name) = lookup(&Locale::new(tag), "language_name") {
        return name;
    }
    match tag {
        "zh-CN" => "简体中文",
        "zh-TW" => "繁體中文",
        "en" => "English",
        other => other,
    }
}

/// The text for `msg` in `locale` (English where the widget has no such language).
pub fn t(locale: &Locale, msg: Msg) -> &'static str {
    if let Some(text) = lookup(locale, msg.key()) {
        return text;
    }
    match locale.as_str() {
        "zh-CN" => zh_cn(msg),
        "zh-TW" => zh_tw(msg),
        _ => en(msg),
    }
}

fn zh_cn(msg: Msg) -> &'static str {
    match msg {
        Msg::Next => "下一页",
        Msg::Back => "上一页",
        Msg::Submit => "提交",
        Msg::Sending => "正在提交…",
        Msg::Yes => "是",
        Msg::No => "否",
        Msg::NotApplicable => "不适用",
        Msg::Language => "语言",
        Msg::ThanksTitle => "感谢您的反馈！",
        Msg::ThanksBody => "您的意见已收到，我们会认真对待每一条建议。",
        Msg::SendFailed => "提交未成功，您的回答仍保留在本页。请检查网络后重试。",
        Msg::TryAgain => "重试",
        Msg::ErrorTitle => "问卷无法显示",
        Msg::FixProblems => "请完成标出的问题后继续。",
        Msg::ContactConsent => "我愿意接受回访，请联系我",
        Msg::Phone => "手机号码",
        Msg::Email => "电子邮箱",
        Msg::SorryTitle => "很抱歉没能让您满意",
        Msg::SorryBody => "感谢您坦诚的反馈。我们会认真查找问题所在并加以改进。",
        Msg::WillContact => "按照您的要求，我们的服务经理会在两天内与您联系。",
        Msg::DelightedBody => "很高兴这次服务让您满意！感谢您的支持。",
        Msg::LeaveReview => "在网上分享您的评价",
        Msg::KioskWelcome => "在等候的时间里，请花两分钟告诉我们这次服务的感受。",
        Msg::KioskStart => "开始评价",
        Msg::StillThere => "您还在吗？",
        Msg::KeepGoing => "继续填写",
        Msg::QueuedOffline => "您的反馈已保存在本设备上，网络恢复后将自动发送。",
        Msg::NotStorable => "此浏览器不允许在本设备上保存您的回答（可能是无痕模式或存储已满），因此回答已直接发送。",
        Msg::NotStorableRetry => "此浏览器不允许在本设备上保存您的回答（可能是无痕模式或存储已满），因此无法稍后自动补发：请保持本页打开并重试。",
        Msg::AlreadyAnswered => "此问卷已经填写过了",
        Msg::OnceOnly => "每个问卷链接只能填写一次。感谢您的参与！",
        Msg::NotRecorded => "本次的回答没有被记录，也不会再发送。",
        Msg::RefusedTitle => "您的回答未被接受",
        Msg::ServerDown => "本店的服务器暂时没有响应。您的回答已保存在本设备上，稍后将自动发送。",
        Msg::ContactPurpose => "您的联系方式仅用于就本次反馈联系您，180 天后删除。",
    }
}

fn zh_tw(msg: Msg) -> &'static str {
    match msg {
        Msg::Next => "下一頁",
        Msg::Back => "上一頁",
        Msg::Submit => "送出",
        Msg::Sending => "正在送出…",
        Msg::Yes => "是",
        Msg::No => "否",
        Msg::NotApplicable => "不適用",
        Msg::Language => "語言",
        Msg::ThanksTitle => "感謝您的回饋！",
        Msg::ThanksBody => "您的意見已收到，我們會認真對待每一條建議。",
        Msg::SendFailed => "送出未成功，您的回答仍保留在本頁。請檢查網路後重試。",
        Msg::TryAgain => "重試",
        Msg::ErrorTitle => "問卷無法顯示",
        Msg::FixProblems => "請完成標示的問題後繼續。",
        Msg::ContactConsent => "我願意接受回訪，請聯絡我",
        Msg::Phone => "手機號碼",
        Msg::Email => "電子郵件",
        Msg::SorryTitle => "很抱歉沒能讓您滿意",
        Msg::SorryBody => "感謝您坦誠的回饋。我們會認真查找問題所在並加以改進。",
        Msg::WillContact => "依照您的要求，我們的服務經理會在兩天內與您聯絡。",
        Msg::DelightedBody => "很高興這次服務讓您滿意！感謝您的支持。",
        Msg::LeaveReview => "在網上分享您的評價",
        Msg::KioskWelcome => "在等候的時間裡，請花兩分鐘告訴我們這次服務的感受。",
        Msg::KioskStart => "開始評價",
        Msg::StillThere => "您還在嗎？",
        Msg::KeepGoing => "繼續填寫",
        Msg::QueuedOffline => "您的回饋已儲存在本裝置上，網路恢復後將自動送出。",
        Msg::NotStorable => "此瀏覽器不允許在本裝置上儲存您的回答（可能是無痕模式或儲存空間已滿），因此回答已直接送出。",
        Msg::NotStorableRetry => "此瀏覽器不允許在本裝置上儲存您的回答（可能是無痕模式或儲存空間已滿），因此無法稍後自動補送：請保持本頁開啟並重試。",
        Msg::AlreadyAnswered => "此問卷已經填寫過了",
        Msg::OnceOnly => "每個問卷連結只能填寫一次。感謝您的參與！",
        Msg::NotRecorded => "本次的回答沒有被記錄，也不會再送出。",
        Msg::RefusedTitle => "您的回答未被接受",
        Msg::ServerDown => "本店的伺服器暫時沒有回應。您的回答已儲存在本裝置上，稍後將自動送出。",
        Msg::ContactPurpose => "您的聯絡方式僅用於就本次回饋聯絡您，180 天後刪除。",
    }
}

fn en(msg: Msg) -> &'static str {
    match msg {
        Msg::Next => "Next",
        Msg::Back => "Back",
        Msg::Submit => "Submit",
        Msg::Sending => "Sending…",
        Msg::Yes => "Yes",
        Msg::No => "No",
        Msg::NotApplicable => "Not applicable",
        Msg::Language => "Language",
        Msg::ThanksTitle => "Thank you for your feedback!",
        Msg::ThanksBody => "We have received your answers and read every one of them.",
        Msg::SendFailed => {
            "Sending did not work; your answers are still here. Check the connection and try again."
        }
        Msg::TryAgain => "Try again",
        Msg::ErrorTitle => "This survey cannot be shown",
        Msg::FixProblems => "Please answer the marked questions to go on.",
        Msg::ContactConsent => "Please contact me about my feedback",
        Msg::Phone => "Mobile phone",
        Msg::Email => "E-mail",
        Msg::SorryTitle => "We are sorry we let you down",
        Msg::SorryBody => {
            "Thank you for telling us. We will look into what went wrong and put it right."
        }
        Msg::WillContact => "As you asked, our service manager will contact you within two days.",
        Msg::DelightedBody => "We are glad you were happy with our service. Thank you!",
        Msg::LeaveReview => "Share your experience in a review",
        Msg::KioskWelcome => "While you wait, tell us in two minutes how your visit went.",
        Msg::KioskStart => "Start",
        Msg::StillThere => "Are you still there?",
        Msg::KeepGoing => "Keep going",
        Msg::QueuedOffline => "Your answers are saved on this device and will be sent when you are back online.",
        Msg::NotStorable => "This browser does not let us save your answers on this device (private browsing, or storage is full), so they were sent straight away.",
        Msg::NotStorableRetry => "This browser does not let us save your answers on this device (private browsing, or storage is full), so they cannot be sent later by themselves: please keep this page open and try again.",
        Msg::AlreadyAnswered => "This survey has already been answered",
        Msg::OnceOnly => "Each survey link can be answered once. Thank you for taking part!",
        Msg::NotRecorded => "These answers were not recorded and will not be sent.",
        Msg::RefusedTitle => "Your answers were not accepted",
        Msg::ServerDown => "The dealer's server did not answer. Your answers are saved on this device and will be sent automatically.",
        Msg::ContactPurpose => "Your contact details are used only to follow up on this feedback and are deleted after 180 days.",
    }
}

/// "181 characters left" in `locale`.
pub fn characters_left(locale: &Locale, n: usize) -> String {
    match locale.as_str() {
        "zh-CN" => format!("还可输入 {n} 字"),
        "zh-TW" => format!("還可輸入 {n} 字"),
        _ if n == 1 => "1 character left".to_string(),
        _ => format!("{n} characters left"),
    }
}

/// "Starting over in 12 s": the idle countdown.
pub fn starting_over_in(locale: &Locale, seconds: u64) -> String {
    match locale.as_str() {
        "zh-CN" => format!("{seconds} 秒后将重新开始，您的回答不会保存。"),
        "zh-TW" => format!("{seconds} 秒後將重新開始，您的回答不會保存。"),
        _ => format!("Starting over in {seconds} s; your answers will not be kept."),
    }
}

/// "Back to the start in 5 s": after the thank-you on a kiosk.
pub fn back_to_start_in(locale: &Locale, seconds: u64) -> String {
    match locale.as_str() {
        "zh-CN" => format!("{seconds} 秒后返回首页"),
        "zh-TW" => format!("{seconds} 秒後返回首頁"),
        _ => format!("Back to the start in {seconds} s"),
    }
}

/// "Page 3 of 8" in `locale`.
pub fn progress(locale: &Locale, current: usize, total: usize) -> String {
    if let Some(pattern) = lookup(locale, "page_of") {
        return pattern
            .replace("{current}", &current.to_string())
            .replace("{total}", &total.to_string());
    }
    match locale.as_str() {
        "zh-CN" => format!("第 {current} 页，共 {total} 页"),
        "zh-TW" => format!("第 {current} 頁，共 {total} 頁"),
        _ => format!("Page {current} of {total}"),
    }
}

/// The message shown next to a field that is not answered right.
pub fn answer_error(locale: &Locale, e: &AnswerError) -> String {
    if let Some(text) = lookup(
        locale,
        if *e == AnswerError::Required {
            "required"
        } else {
            "invalid"
        },
    ) {
        return text.to_string();
    }
    match locale.as_str() {
        "zh-CN" => zh_cn_error(e),
        "zh-TW" => zh_tw_error(e),
        _ => en_error(e),
    }
}

fn zh_cn_error(e: &AnswerError) -> String {
    match e {
        AnswerError::Required => "请回答此题。".into(),
        AnswerError::OutOfRange { min, max } => format!("请选择 {min} 到 {max} 之间的分数。"),
        AnswerError::TooLong { max, found } => format!("最多 {max} 字，目前 {found} 字。"),
        AnswerError::SelectionCount { min, max } => format!("请选择 {min} 到 {max} 项。"),
        AnswerError::ContactMissing => "请留下手机号码或电子邮箱，以便我们联系您。".into(),
        AnswerError::InvalidPhone => "请输入有效的手机号码。".into(),
        AnswerError::InvalidEmail => "请输入有效的电子邮箱。".into(),
        _ => "此回答无效，请重新选择。".into(),
    }
}

fn zh_tw_error(e: &AnswerError) -> String {
    match e {
        AnswerError::Required => "請回答此題。".into(),
        AnswerError::OutOfRange { min, max } => format!("請選擇 {min} 到 {max} 之間的分數。"),
        AnswerError::TooLong { max, found } => format!("最多 {max} 字，目前 {found} 字。"),
        AnswerError::SelectionCount { min, max } => format!("請選擇 {min} 到 {max} 項。"),
        AnswerError::ContactMissing => "請留下手機號碼或電子郵件，以便我們聯絡您。".into(),
        AnswerError::InvalidPhone => "請輸入有效的手機號碼。".into(),
        AnswerError::InvalidEmail => "請輸入有效的電子郵件。".into(),
        _ => "此回答無效，請重新選擇。".into(),
    }
}

fn en_error(e: &AnswerError) -> String {
    match e {
        AnswerError::Required => "Please answer this question.".into(),
        AnswerError::OutOfRange { min, max } => {
            format!("Please choose a score from {min} to {max}.")
        }
        AnswerError::TooLong { max, found } => {
            format!("At most {max} characters; this has {found}.")
        }
        AnswerError::SelectionCount { min, max } => {
            format!("Please choose {min} to {max} options.")
        }
        AnswerError::ContactMissing => {
            "Please give a phone number or an e-mail address so we can reach you.".into()
        }
        AnswerError::InvalidPhone => "Please enter a valid phone number.".into(),
        AnswerError::InvalidEmail => "Please enter a valid e-mail address.".into(),
        _ => "This answer is not valid; please choose again.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14 (privacy): the contact question says what the details are for and how
    /// long they are kept, in every language the widget ships.
    #[test]
    fn issue_14_the_contact_question_states_purpose_and_retention() {
        for (tag, days, purpose) in [
            ("zh-CN", "180 天", "就本次反馈联系您"),
            ("zh-TW", "180 天", "就本次回饋聯絡您"),
            ("en", "180 days", "follow up"),
        ] {
            let text = t(&Locale::new(tag), Msg::ContactPurpose);
            assert!(
                text.contains(days) && text.contains(purpose),
                "{tag}: {text}"
            );
        }
    }

    #[test]
    fn a_definition_can_add_the_widget_texts_of_a_new_language() {
        let json = survey_core::templates::json("post-call").unwrap_or_default();
        let mut v: serde_json::Value = serde_json::from_str(json).expect("template");
        v["widget_texts"] = serde_json::json!({"en": {"next": "Onward", "page_of": "{current}/{total}", "required": "Needed."}});
        let def = survey_core::Definition::from_json(&v.to_string()).expect("valid");
        let en = Locale::new("en");
        assert_eq!(t(&en, Msg::Next), "Next");
        register(&def);
        assert_eq!(t(&en, Msg::Next), "Onward");
        assert_eq!(
            t(&en, Msg::Back),
            "Back",
            "what is not given stays built in"
        );
        assert_eq!(progress(&en, 2, 3), "2/3");
        assert_eq!(answer_error(&en, &AnswerError::Required), "Needed.");
        assert_eq!(t(&Locale::new("zh-CN"), Msg::Next), "下一页");
    }
}
