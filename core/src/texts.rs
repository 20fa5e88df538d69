//! The widget's own texts: the ONE list of their keys, the placeholders each takes,
//! and the built-in wording in the languages the widget ships (zh-CN, zh-TW, en).
//!
//! Questionnaire texts come from the definition; these are the words around them:
//! buttons, progress, the messages next to a field, the thank-you and its variants,
//! the kiosk's welcome, idle banner, countdowns and staff menu, the dialog's Close.
//!
//! # Contract
//!
//! * **One list.** [`TABLE`] (and the [`Msg`] enum naming its entries, generated from
//!   the same lines, so they cannot drift) is everything a customer or a staff member
//!   reads in the widget that does not come from the questionnaire. The definition's
//!   validator ([`check`]) and the widget's lookup both go through it; the JSON
//!   Schema and `docs/definition-format.md` are checked against it by core's tests.
//! * **Every text is overridable.** A definition's `widget_texts.<locale>.<key>`
//!   replaces the built-in text of `key` in `locale`; for a language the widget does
//!   not ship, a `widget_texts` block with every key shows no built-in word. What is
//!   left out shows the English text (the name of a language, its tag).
//! * **Unknown keys are refused**, with the path `widget_texts.<locale>.<key>` and the
//!   nearest known key when one is close, so a misspelt key is not silently ignored.
//! * **Placeholders.** A text whose key takes placeholders (`{n}`, `{current}`, …)
//!   must contain each of them, and no `{name}` that its key does not take; a brace
//!   around anything that is not a lower-case name (`{ }`, `{1}`) is plain text. The
//!   built-in texts obey the same rule (a test checks them with [`check`]).
//!
//! Where the definition cannot help, the words are fixed and bilingual: the box that
//! says a definition or a setting is broken, and the loader's "could not load" line
//! (the wasm did not start); the floating button's label is the page's `data-label`,
//! because it shows before the survey is loaded.

/// The languages the widget ships its own texts in; any other falls back to the last.
pub const BUILT_IN_LOCALES: [&str; 3] = ["zh-CN", "zh-TW", "en"];

macro_rules! texts {
    ($( $(#[$doc:meta])* $msg:ident $key:literal $ph:literal [$zh_cn:literal, $zh_tw:literal, $en:literal $(,)?] )*) => {
        /// One of the widget's own texts; `msg as usize` is its line in [`TABLE`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $( $(#[$doc])* $msg, )* }

        impl Msg {
            /// Every text, in the order of [`TABLE`].
            pub const ALL: &'static [Msg] = &[ $( Msg::$msg, )* ];
        }

        /// Every text of the widget, one line each in the order of [`Msg`]: the key, the
        /// names of its placeholders (space-separated), and its built-in text in each of
        /// [`BUILT_IN_LOCALES`], separated by tabs. One string rather than a table of
        /// pointers: a few hundred bytes less of the widget's download.
        pub static TABLE: &str = concat!( $( $key, "\t", $ph, "\t", $zh_cn, "\t", $zh_tw, "\t", $en, "\n", )* );
    };
}

texts! {
    Next "next" "" ["下一页", "下一頁", "Next"]
    Back "back" "" ["上一页", "上一頁", "Back"]
    /// The question flow's buttons: a question, not a page, is next (or back).
    NextQuestion "next_question" "" ["下一题", "下一題", "Next"]
    BackQuestion "back_question" "" ["上一题", "上一題", "Back"]
    Submit "submit" "" ["提交", "送出", "Submit"]
    Sending "sending" "" ["正在提交…", "正在送出…", "Sending…"]
    Yes "yes" "" ["是", "是", "Yes"]
    No "no" "" ["否", "否", "No"]
    NotApplicable "not_applicable" "" ["不适用", "不適用", "Not applicable"]
    /// A checklist's one-tap answer: every item of the group "yes" (`flow::all_yes`).
    AllYes "all_yes" "" ["全部是", "全部是", "All yes"]
    /// The label of the group of language buttons.
    Language "language" "" ["语言 / Language", "語言 / Language", "Language"]
    /// The name of a language in itself, on its button (looked up in that language).
    LanguageName "language_name" "" ["简体中文", "繁體中文", "English"]
    PageOf "page_of" "current total" ["第 {current} 页，共 {total} 页", "第 {current} 頁，共 {total} 頁", "Page {current} of {total}"]
    /// The progress of the one-question-at-a-time flow: the questions still to come,
    /// the one shown included.
    QuestionsLeft "questions_left" "n" ["还剩 {n} 题", "還剩 {n} 題", "{n} questions left"]
    QuestionsLeftOne "questions_left_one" "" ["还剩 1 题", "還剩 1 題", "1 question left"]
    FixProblems "fix_problems" "" ["请完成标出的问题后继续。", "請完成標示的問題後繼續。", "Please answer the marked questions to go on."]
    /// Next to a required question left unanswered.
    Required "required" "" ["请回答此题。", "請回答此題。", "Please answer this question."]
    /// Next to an answer that is not valid, where no more precise message below fits
    /// (and, reworded, for each of them that is not reworded itself).
    Invalid "invalid" "" ["此回答无效，请重新选择。", "此回答無效，請重新選擇。", "This answer is not valid; please choose again."]
    OutOfRange "out_of_range" "min max" ["请选择 {min} 到 {max} 之间的分数。", "請選擇 {min} 到 {max} 之間的分數。", "Please choose a score from {min} to {max}."]
    TooLong "too_long" "max found" ["最多 {max} 字，目前 {found} 字。", "最多 {max} 字，目前 {found} 字。", "At most {max} characters; this has {found}."]
    SelectionCount "selection_count" "min max" ["请选择 {min} 到 {max} 项。", "請選擇 {min} 到 {max} 項。", "Please choose {min} to {max} options."]
    ContactMissing "contact_missing" "" ["请留下手机号码或电子邮箱，以便我们联系您。", "請留下手機號碼或電子郵件，以便我們聯絡您。", "Please give a phone number or an e-mail address so we can reach you."]
    InvalidPhone "invalid_phone" "" ["请输入有效的手机号码。", "請輸入有效的手機號碼。", "Please enter a valid phone number."]
    InvalidEmail "invalid_email" "" ["请输入有效的电子邮箱。", "請輸入有效的電子郵件。", "Please enter a valid e-mail address."]
    /// Under a text field.
    CharactersLeft "characters_left" "n" ["还可输入 {n} 字", "還可輸入 {n} 字", "{n} characters left"]
    CharactersLeftOne "characters_left_one" "" ["还可输入 1 字", "還可輸入 1 字", "1 character left"]
    ContactConsent "contact_consent" "" ["我愿意接受回访，请联系我", "我願意接受回訪，請聯絡我", "Please contact me about my feedback"]
    Phone "phone" "" ["手机号码", "手機號碼", "Mobile phone"]
    Email "email" "" ["电子邮箱", "電子郵件", "E-mail"]
    ContactPurpose "contact_purpose" "" [
        "您的联系方式仅用于就本次反馈联系您，180 天后删除。",
        "您的聯絡方式僅用於就本次回饋聯絡您，180 天後刪除。",
        "Your contact details are used only to follow up on this feedback and are deleted after 180 days.",
    ]
    SendFailed "send_failed" "" [
        "提交未成功，您的回答仍保留在本页。请检查网络后重试。",
        "送出未成功，您的回答仍保留在本頁。請檢查網路後重試。",
        "Sending did not work; your answers are still here. Check the connection and try again.",
    ]
    TryAgain "try_again" "" ["重试", "重試", "Try again"]
    NotStorableRetry "not_storable_retry" "" [
        "此浏览器不允许在本设备上保存您的回答（可能是无痕模式或存储已满），因此无法稍后自动补发：请保持本页打开并重试。",
        "此瀏覽器不允許在本裝置上儲存您的回答（可能是無痕模式或儲存空間已滿），因此無法稍後自動補送：請保持本頁開啟並重試。",
        "This browser does not let us save your answers on this device (private browsing, or storage is full), so they cannot be sent later by themselves: please keep this page open and try again.",
    ]
    ThanksTitle "thanks_title" "" ["感谢您的反馈！", "感謝您的回饋！", "Thank you for your feedback!"]
    ThanksBody "thanks_body" "" [
        "您的意见已收到，我们会认真对待每一条建议。",
        "您的意見已收到，我們會認真對待每一條建議。",
        "We have received your answers and read every one of them.",
    ]
    SorryTitle "sorry_title" "" ["很抱歉没能让您满意", "很抱歉沒能讓您滿意", "We are sorry we let you down"]
    SorryBody "sorry_body" "" [
        "感谢您坦诚的反馈。我们会认真查找问题所在并加以改进。",
        "感謝您坦誠的回饋。我們會認真查找問題所在並加以改進。",
        "Thank you for telling us. We will look into what went wrong and put it right.",
    ]
    WillContact "will_contact" "" [
        "按照您的要求，我们的服务经理会在两天内与您联系。",
        "依照您的要求，我們的服務經理會在兩天內與您聯絡。",
        "As you asked, our service manager will contact you within two days.",
    ]
    DelightedBody "delighted_body" "" [
        "很高兴这次服务让您满意！感谢您的支持。",
        "很高興這次服務讓您滿意！感謝您的支持。",
        "We are glad you were happy with our service. Thank you!",
    ]
    LeaveReview "leave_review" "" ["在网上分享您的评价", "在網上分享您的評價", "Share your experience in a review"]
    QueuedOffline "queued_offline" "" [
        "您的反馈已保存在本设备上，网络恢复后将自动发送。",
        "您的回饋已儲存在本裝置上，網路恢復後將自動送出。",
        "Your answers are saved on this device and will be sent when you are back online.",
    ]
    ServerDown "server_down" "" [
        "本店的服务器暂时没有响应。您的回答已保存在本设备上，稍后将自动发送。",
        "本店的伺服器暫時沒有回應。您的回答已儲存在本裝置上，稍後將自動送出。",
        "The dealer's server did not answer. Your answers are saved on this device and will be sent automatically.",
    ]
    NotStorable "not_storable" "" [
        "此浏览器不允许在本设备上保存您的回答（可能是无痕模式或存储已满），因此回答已直接发送。",
        "此瀏覽器不允許在本裝置上儲存您的回答（可能是無痕模式或儲存空間已滿），因此回答已直接送出。",
        "This browser does not let us save your answers on this device (private browsing, or storage is full), so they were sent straight away.",
    ]
    RefusedTitle "refused_title" "" ["您的回答未被接受", "您的回答未被接受", "Your answers were not accepted"]
    NotRecorded "not_recorded" "" ["本次的回答没有被记录，也不会再发送。", "本次的回答沒有被記錄，也不會再送出。", "These answers were not recorded and will not be sent."]
    /// The link was answered already (checked when the page opens, or a 409 at submit).
    AlreadyAnswered "already_answered" "" ["此问卷已经填写过了", "此問卷已經填寫過了", "This survey has already been answered"]
    OnceOnly "once_only" "" ["每个问卷链接只能填写一次。感谢您的参与！", "每個問卷連結只能填寫一次。感謝您的參與！", "Each survey link can be answered once. Thank you for taking part!"]
    /// The heading of the box that says the survey cannot be shown, once the
    /// definition has loaded (a setting that does not fit it).
    ErrorTitle "error_title" "" ["问卷无法显示", "問卷無法顯示", "This survey cannot be shown"]
    /// The dialog's close button (`data-display="button"`).
    Close "close" "" ["关闭", "關閉", "Close"]
    KioskWelcome "kiosk_welcome" "" [
        "在等候的时间里，请花两分钟告诉我们这次服务的感受。",
        "在等候的時間裡，請花兩分鐘告訴我們這次服務的感受。",
        "While you wait, tell us in two minutes how your visit went.",
    ]
    KioskStart "kiosk_start" "" ["开始评价", "開始評價", "Start"]
    StillThere "still_there" "" ["您还在吗？", "您還在嗎？", "Are you still there?"]
    KeepGoing "keep_going" "" ["继续填写", "繼續填寫", "Keep going"]
    /// The kiosk's idle countdown, in seconds.
    StartingOverIn "starting_over_in" "n" [
        "{n} 秒后将重新开始，您的回答不会保存。",
        "{n} 秒後將重新開始，您的回答不會保存。",
        "Starting over in {n} s; your answers will not be kept.",
    ]
    /// The kiosk's countdown after the thank-you, in seconds.
    BackToStartIn "back_to_start_in" "n" ["{n} 秒后返回首页", "{n} 秒後返回首頁", "Back to the start in {n} s"]
    /// The kiosk's staff corner (in the kiosk's default language, not the customer's).
    Staff "staff" "" ["工作人员 · Staff", "工作人員 · Staff", "Staff"]
    StaffPin "staff_pin" "" ["PIN", "PIN", "PIN"]
    StaffWrongPin "staff_wrong_pin" "" ["PIN 不正确 · Wrong PIN", "PIN 不正確 · Wrong PIN", "Wrong PIN"]
    StaffOk "staff_ok" "" ["OK", "OK", "OK"]
    StaffCancel "staff_cancel" "" ["取消 · Cancel", "取消 · Cancel", "Cancel"]
    StaffReset "staff_reset" "" ["立即重置 · Reset now", "立即重置 · Reset now", "Reset now"]
    StaffExit "staff_exit" "" ["退出自助模式 · Exit kiosk mode", "退出自助模式 · Exit kiosk mode", "Exit kiosk mode"]
    StaffClose "staff_close" "" ["关闭 · Close", "關閉 · Close", "Close"]
    /// How many responses the endpoint refused for good (kept aside on the device).
    StaffRefused "staff_refused" "n" ["被拒收的回答 · Refused responses: {n}", "被拒收的回答 · Refused responses: {n}", "Refused responses: {n}"]
    /// The station a paired kiosk's responses are counted for (never its key), after this label.
    StaffPaired "staff_paired" "" ["已配对 · Paired", "已配對 · Paired", "Paired"]
    StaffNotPaired "staff_not_paired" "" ["未配对 · Not paired", "未配對 · Not paired", "Not paired"]
    /// The collector refused the kiosk's device key on its last receipt.
    StaffKeyRefused "staff_key_refused" "" [
        "密钥未被接受，请向经理要新密钥 · Key not accepted; ask the manager for a new one",
        "金鑰未被接受，請向經理索取新金鑰 · Key not accepted; ask the manager for a new one",
        "Key not accepted; ask the manager for a new one",
    ]
    /// Phone interview (`mode=interview`, for the agent, not the customer): the line
    /// above each question; a definition may give its own call script here.
    InterviewScript "interview_script" "" ["请向客户读出：", "請向客戶讀出：", "Read aloud:"]
    InterviewKeys "interview_keys" "" [
        "快捷键：数字键选择当前题目的答案（见答案旁的数字），回车键继续。",
        "快速鍵：數字鍵選擇目前題目的答案（見答案旁的數字），Enter 鍵繼續。",
        "Keys: a number chooses that answer of the focused question (see the numbers beside the answers); Enter continues.",
    ]
    CallOutcome "call_outcome" "" ["通话结果", "通話結果", "Call outcome"]
    OutcomeReached "outcome_reached" "" ["已接通", "已接通", "Reached"]
    OutcomeNoAnswer "outcome_no_answer" "" ["无人接听", "無人接聽", "No answer"]
    OutcomeRefused "outcome_refused" "" ["拒绝访问", "拒絕訪問", "Refused"]
    OutcomeCallBack "outcome_call_back" "" ["稍后回电", "稍後回電", "Call back later"]
    InterviewRecorded "interview_recorded" "" ["访问已记录。", "訪問已記錄。", "Interview recorded."]
    AttemptRecorded "attempt_recorded" "" [
        "未记录任何回答；本次呼叫已记录。",
        "未記錄任何回答；本次撥打已記錄。",
        "No answers recorded; the call attempt is logged.",
    ]
    AttemptFailed "attempt_failed" "" ["未能记录本次呼叫，请重试。", "未能記錄本次撥打，請重試。", "The call attempt could not be logged; try again."]
    BackToCase "back_to_case" "" ["返回案件", "返回案件", "Back to the case"]
}

impl Msg {
    /// Field `f` of this text's line in [`TABLE`] (a byte loop: the smallest code).
    fn field(self, f: usize) -> &'static str {
        let mut wanted = self as usize * 5 + f;
        let mut start = 0;
        for (i, b) in TABLE.bytes().enumerate() {
            if b == b'\t' || b == b'\n' {
                if wanted == 0 {
                    return &TABLE[start..i];
                }
                wanted -= 1;
                start = i + 1;
            }
        }
        ""
    }

    /// The key a definition's `widget_texts` uses for this text.
    pub fn key(self) -> &'static str {
        self.field(0)
    }

    /// The names of the placeholders this text takes (`current`, `total`).
    pub fn placeholders(self) -> std::str::SplitWhitespace<'static> {
        self.field(1).split_whitespace()
    }

    /// The built-in text in `locale` (English for a language the widget does not ship).
    pub fn built_in(self, locale: &str) -> &'static str {
        self.field(match locale {
            "zh-CN" => 2,
            "zh-TW" => 3,
            _ => 4,
        })
    }
}

/// The text `key` names; `None` for a key not in the list.
pub fn find(key: &str) -> Option<Msg> {
    Msg::ALL.iter().copied().find(|m| m.key() == key)
}

/// `text` with each `{name}` of `values` replaced by its number.
pub fn fill(text: &str, values: &[(&str, u64)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out += &rest[..open];
        rest = &rest[open + 1..];
        let close = rest.find('}').unwrap_or(rest.len());
        match values.iter().find(|(n, _)| rest[..close] == **n) {
            Some((_, v)) => {
                out += &v.to_string();
                rest = &rest[close + 1..];
            }
            None => out.push('{'),
        }
    }
    out + rest
}

/// Is `text` usable for `key`? The problem, in the words of the definition errors,
/// when the key is not in the list or the placeholders do not fit.
pub fn check(key: &str, text: &str) -> Result<(), String> {
    let Some(msg) = find(key) else {
        let mut problem = format!("\"{key}\" is not a widget text key");
        if let Some(near) = nearest(key, Msg::ALL.iter().map(|m| m.key())) {
            problem += &format!("; did you mean \"{near}\"?");
        }
        return Err(problem + " (the keys are listed in docs/definition-format.md)");
    };
    let takes = msg.field(1);
    // One message for both problems, to keep the widget small.
    let mut problem = None;
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let name = &rest[..rest.find('}').unwrap_or(0)];
        let is_name = name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if !name.is_empty() && is_name && !takes.split(' ').any(|p| p == name) {
            problem = Some(("", name, " is not a placeholder here"));
            break;
        }
    }
    let missing =
        || (takes.split(' ')).find(|p| !p.is_empty() && !text.contains(&format!("{{{p}}}")));
    let Some((before, name, after)) = problem.or_else(|| Some(("must contain ", missing()?, "")))
    else {
        return Ok(());
    };
    let list = match takes {
        "" => "none".to_string(),
        _ => format!("{{{}}}", takes.replace(' ', "} {")),
    };
    Err(format!("{before}{{{name}}}{after} ({key} takes {list})"))
}

/// The known key closest to `key`, when it is a likely typo: at most 2 edits
/// (Levenshtein), and fewer than the known key has letters (`ok` is not a typo of
/// `no`). Plain loops over a stack row: iterator adapters cost the widget ~500 bytes.
/// Also names the nearest theme key ([`crate::theme::KEYS`]).
pub(crate) fn nearest(
    key: &str,
    known: impl Iterator<Item = &'static str>,
) -> Option<&'static str> {
    let a = key.as_bytes();
    if a.len() > 64 {
        return None;
    }
    let (mut best, mut best_d) = (None, 3);
    for k in known {
        let b = k.as_bytes();
        let mut row = [0u8; 65];
        for (i, r) in row.iter_mut().enumerate() {
            *r = i as u8;
        }
        for (j, cb) in b.iter().enumerate() {
            let mut diag = row[0];
            row[0] = j as u8 + 1;
            for (i, ca) in a.iter().enumerate() {
                let v = (diag + u8::from(ca != cb))
                    .min(row[i] + 1)
                    .min(row[i + 1] + 1);
                diag = row[i + 1];
                row[i + 1] = v;
            }
        }
        let d = usize::from(row[a.len()]);
        if d < best_d && d < b.len() {
            (best, best_d) = (Some(k), d);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key added to the list needs its three built-in texts (the table's shape makes
    /// a missing one a compile error; an empty one fails here), and each of them must
    /// pass the very check a dealer's text passes: the key's placeholders, no other.
    #[test]
    fn every_key_has_usable_built_in_texts_in_every_shipped_language() {
        assert_eq!(TABLE.lines().count(), Msg::ALL.len());
        for (i, m) in Msg::ALL.iter().enumerate() {
            assert_eq!(*m as usize, i);
            let line: Vec<&str> = TABLE
                .lines()
                .nth(i)
                .unwrap_or_default()
                .split('\t')
                .collect();
            assert_eq!(line.len(), 5, "{}: no tab or newline in a text", m.key());
            for locale in BUILT_IN_LOCALES {
                let text = m.built_in(locale);
                assert!(
                    !text.trim().is_empty() && text.chars().count() <= 300,
                    "{locale}.{}",
                    m.key()
                );
                assert_eq!(check(m.key(), text), Ok(()), "{locale}.{}", m.key());
            }
        }
    }

    #[test]
    fn keys_are_unique_ids() {
        for m in Msg::ALL {
            assert!(crate::ids::is_valid_id(m.key()), "{}", m.key());
            assert_eq!(find(m.key()), Some(*m), "{} twice", m.key());
        }
        assert_eq!(Msg::Next.key(), "next");
        assert_eq!(Msg::StaffRefused.key(), "staff_refused");
        assert_eq!(
            Msg::PageOf.placeholders().collect::<Vec<_>>(),
            ["current", "total"]
        );
        assert_eq!(Msg::Next.built_in("zh-TW"), "下一頁");
        assert_eq!(
            Msg::Next.built_in("ja"),
            "Next",
            "English where none is shipped"
        );
    }

    #[test]
    fn placeholders_must_all_be_there_and_be_known() {
        assert_eq!(check("page_of", "{current} / {total}"), Ok(()));
        assert_eq!(
            check("page_of", "Page {current}"),
            Err("must contain {total} (page_of takes {current} {total})".into())
        );
        assert_eq!(
            check("page_of", "{current} of {count} ({total})"),
            Err("{count} is not a placeholder here (page_of takes {current} {total})".into())
        );
        assert_eq!(
            check("next", "Onward {n}"),
            Err("{n} is not a placeholder here (next takes none)".into())
        );
        // Braces around what is not a placeholder name are plain text.
        assert_eq!(check("next", "Onward {:-)} { } {1}"), Ok(()));
        assert_eq!(check("characters_left", "{n} 文字"), Ok(()));
    }

    #[test]
    fn an_unknown_key_is_named_with_the_nearest_known_one() {
        assert_eq!(
            check("nxet", "Onward"),
            Err("\"nxet\" is not a widget text key; did you mean \"next\"? (the keys are listed in docs/definition-format.md)".into())
        );
        assert_eq!(
            check("thanks_tilte", "x").map_err(|e| e.contains("did you mean \"thanks_title\"")),
            Err(true)
        );
        assert_eq!(
            check("colour", "x"),
            Err("\"colour\" is not a widget text key (the keys are listed in docs/definition-format.md)".into())
        );
    }

    #[test]
    fn fill_puts_the_numbers_in() {
        assert_eq!(
            fill(Msg::PageOf.built_in("en"), &[("current", 2), ("total", 8)]),
            "Page 2 of 8"
        );
        assert_eq!(fill("{n}{n} {m} {", &[("n", 1)]), "11 {m} {");
    }
}
