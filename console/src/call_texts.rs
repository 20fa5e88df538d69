//! The call list's and coverage's words in zh-CN and en (one match per language: a
//! missing text is a compile error, not a blank).

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum W {
    Calls,
    CallsIntro,
    Lapsed,
    Truncated,
    Coverage,
    CoverageIntro,
    DueOn,
    Overdue,
    OverdueBadge,
    Ro,
    Advisor,
    Pickup,
    Phone,
    Attempts,
    Log,
    Interview,
    NoCalls,
    Reached,
    NoAnswer,
    Busy,
    Refused,
    WrongNumber,
    Import,
    ImportHint,
    File,
    Dealer,
    ImportBtn,
    Imported,
    Visits,
    Invited,
    Responded,
    Called,
    Low,
    LowNote,
    Total,
    NoVisits,
    Second,
    Period,
    AllVisits,
    ThisMonth,
    LastMonth,
    Quarter,
}

/// The text of `w` in `l`.
pub fn w(l: Lang, w: W) -> &'static str {
    use W::*;
    match l {
        Lang::En => match w {
            Calls => "Follow-up calls",
            CallsIntro => "Every visit is called 3 days after pickup; overdue after 7. An unreached call is tried once more within 7 days.",
            Lapsed => "{n} calls more than {d} days overdue are no longer listed (the customer has moved on); coverage and the targets count them as not called.",
            Truncated => "The first {n} calls are shown, oldest first; the next ones appear as these are logged.",
            Coverage => "Coverage",
            CoverageIntro => "Per dealer and advisor: how many visits got a survey invitation, a response and a follow-up call.",
            DueOn => "Due",
            Overdue => "Overdue",
            OverdueBadge => "overdue",
            Ro => "Repair order",
            Advisor => "Advisor",
            Pickup => "Pickup",
            Phone => "Phone",
            Attempts => "Attempts",
            Log => "Log the call",
            Interview => "Interview",
            NoCalls => "No calls due today.",
            Reached => "Reached",
            NoAnswer => "No answer",
            Busy => "Busy",
            Refused => "Refused",
            WrongNumber => "Wrong number",
            Import => "Import repair orders",
            ImportHint => "A CSV file saved as UTF-8 with the columns RO, dealer, advisor, customer phone, pickup date (YYYY-MM-DD). The whole file is imported or none of it; importing it again counts nothing twice.",
            File => "CSV file",
            Dealer => "Dealer",
            ImportBtn => "Import",
            Imported => "Imported",
            Visits => "Visits",
            Invited => "Invited",
            Responded => "Responded",
            Called => "Called",
            Low => "low",
            LowNote => "Marked low: fewer than 80% of visits invited or called.",
            Total => "all advisors",
            NoVisits => "No visits in this period.",
            Second => "second attempt",
            Period => "Picked up",
            AllVisits => "any time",
            ThisMonth => "this month",
            LastMonth => "last month",
            Quarter => "this quarter",
        },
        Lang::ZhCn => match w {
            Calls => "回访电话",
            CallsIntro => "每次到店在交车 3 天后回访，7 天后逾期；未接通的 7 天内再打一次。",
            Lapsed => "另有 {n} 通回访已逾期超过 {d} 天，不再列出（客户已不再记得此次服务）；覆盖率和回访目标中计为未回访。",
            Truncated => "只显示最早的 {n} 通回访；记录后会显示后面的。",
            Coverage => "覆盖率",
            CoverageIntro => "按经销商和服务顾问：多少次到店收到了问卷邀请、有回复、做了回访。",
            DueOn => "应回访日",
            Overdue => "已逾期",
            OverdueBadge => "逾期",
            Ro => "工单号",
            Advisor => "服务顾问",
            Pickup => "交车日期",
            Phone => "电话",
            Attempts => "拨打次数",
            Log => "记录通话",
            Interview => "电话访问",
            NoCalls => "今天没有要打的回访电话。",
            Reached => "已接通",
            NoAnswer => "无人接听",
            Busy => "占线",
            Refused => "拒绝",
            WrongNumber => "号码错误",
            Import => "导入工单",
            ImportHint => "UTF-8 编码的 CSV 文件，列为 RO、dealer、advisor、customer phone、pickup date（YYYY-MM-DD）。整个文件全部导入或全部不导入；重复导入不会重复计数。",
            File => "CSV 文件",
            Dealer => "经销商",
            ImportBtn => "导入",
            Imported => "已导入",
            Visits => "到店",
            Invited => "已邀请",
            Responded => "已回复",
            Called => "已回访",
            Low => "偏低",
            LowNote => "标为偏低：邀请或回访不足到店数的 80%。",
            Total => "全部顾问",
            NoVisits => "这段时间没有到店记录。",
            Second => "第二次拨打",
            Period => "交车时间",
            AllVisits => "全部",
            ThisMonth => "本月",
            LastMonth => "上月",
            Quarter => "本季度",
        },
    }
}

/// The outcomes a call-list row offers, with their API names.
pub const OUTCOMES: [(&str, W); 5] = [
    ("reached", W::Reached),
    ("no_answer", W::NoAnswer),
    ("busy", W::Busy),
    ("refused", W::Refused),
    ("wrong_number", W::WrongNumber),
];

/// A rate (0-1) as a whole percentage, `–` without one.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) if r.is_finite() => format!("{:.0}%", r * 100.0),
        _ => "–".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        assert_eq!(percent(Some(0.5)), "50%");
        assert_eq!(percent(Some(1.0)), "100%");
        assert_eq!(percent(None), "–");
    }
}
