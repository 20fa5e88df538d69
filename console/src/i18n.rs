//! The console's words in zh-CN and en (the two languages of the dealer staff who read
//! it). One `match` per language so a missing text is a compile error, not a blank.

use survey_core::questionnaire::Dimension;
use survey_core::scoring::AlertRule;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::ZhCn
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T {
    Title,
    Overview,
    SignedInAs,
    SignOut,
    Filters,
    Survey,
    PostService,
    PostCall,
    Dealer,
    AllDealers,
    Period,
    ThisMonth,
    LastMonth,
    ThisQuarter,
    Custom,
    From,
    To,
    Show,
    Loading,
    Responses,
    Csi,
    Target,
    TargetMet,
    TargetMissedBy,
    NoData,
    Nps,
    Interval95,
    Promoters,
    Passives,
    Detractors,
    Csat,
    Fcr,
    Dimensions,
    Dimension,
    Mean,
    Weakest,
    Alerts,
    Rule,
    AlertResponses,
    Unverified,
    UnverifiedNote,
    FewResponses,
    BadFrom,
    BadTo,
    Reversed,
    LoadFailed,
    Language,
    Trend12,
    TrendTable,
    Month,
}

pub fn t(l: Lang, key: T) -> &'static str {
    use T::*;
    match l {
        Lang::ZhCn => match key {
            Title => "售后满意度控制台",
            Overview => "概览",
            SignedInAs => "当前登录",
            SignOut => "退出登录",
            Filters => "筛选",
            Survey => "问卷",
            PostService => "售后服务回访",
            PostCall => "来电回访",
            Dealer => "经销商",
            AllDealers => "全部经销商",
            Period => "期间",
            ThisMonth => "本月",
            LastMonth => "上月",
            ThisQuarter => "本季度",
            Custom => "自定义",
            From => "开始日期",
            To => "结束日期（含当天）",
            Show => "显示",
            Loading => "正在加载…",
            Responses => "回答数",
            Csi => "CSI 满意度指数",
            Target => "目标",
            TargetMet => "已达到目标",
            TargetMissedBy => "低于目标",
            NoData => "本期间没有数据",
            Nps => "NPS 净推荐值",
            Interval95 => "95% 区间",
            Promoters => "推荐者",
            Passives => "中立者",
            Detractors => "贬损者",
            Csat => "CSAT 满意率",
            Fcr => "一次解决率",
            Dimensions => "SERVQUAL 服务质量维度",
            Dimension => "维度",
            Mean => "平均分（0–100）",
            Weakest => "最弱维度",
            Alerts => "预警",
            Rule => "预警规则",
            AlertResponses => "涉及回答",
            Unverified => "未验证的回答",
            UnverifiedNote => "未经签名链接提交，不计入以上数字。",
            FewResponses => "样本少于 30 份，数字仅供参考。",
            BadFrom => "开始日期无效，请按 YYYY-MM-DD 填写。",
            BadTo => "结束日期无效，请按 YYYY-MM-DD 填写。",
            Reversed => "开始日期晚于结束日期。",
            LoadFailed => "无法读取数据：",
            Language => "语言",
            Trend12 => "近 12 个月趋势",
            TrendTable => "近 12 个月数据",
            Month => "月份",
        },
        Lang::En => match key {
            Title => "Satisfaction console",
            Overview => "Overview",
            SignedInAs => "Signed in as",
            SignOut => "Sign out",
            Filters => "Filters",
            Survey => "Survey",
            PostService => "After a service visit",
            PostCall => "After a call",
            Dealer => "Dealer",
            AllDealers => "All dealers",
            Period => "Period",
            ThisMonth => "This month",
            LastMonth => "Last month",
            ThisQuarter => "This quarter",
            Custom => "Custom",
            From => "From",
            To => "To (whole day included)",
            Show => "Show",
            Loading => "Loading…",
            Responses => "Responses",
            Csi => "CSI",
            Target => "Target",
            TargetMet => "Target met",
            TargetMissedBy => "Below target by",
            NoData => "No data in this period",
            Nps => "NPS",
            Interval95 => "95% interval",
            Promoters => "Promoters",
            Passives => "Passives",
            Detractors => "Detractors",
            Csat => "CSAT",
            Fcr => "First contact resolution",
            Dimensions => "SERVQUAL dimensions",
            Dimension => "Dimension",
            Mean => "Mean (0–100)",
            Weakest => "Weakest dimension",
            Alerts => "Alerts",
            Rule => "Rule",
            AlertResponses => "Responses",
            Unverified => "Unverified responses",
            UnverifiedNote => "Not sent through a signed link; not counted above.",
            FewResponses => "Fewer than 30 responses: read the figures with care.",
            BadFrom => "The start date is not a date; write it as YYYY-MM-DD.",
            BadTo => "The end date is not a date; write it as YYYY-MM-DD.",
            Reversed => "The start date is after the end date.",
            LoadFailed => "Could not read the data:",
            Language => "Language",
            Trend12 => "the last 12 months",
            TrendTable => "The last 12 months, by month",
            Month => "Month",
        },
    }
}

pub fn dimension(l: Lang, d: Dimension) -> &'static str {
    match (l, d) {
        (Lang::ZhCn, Dimension::Reliability) => "可靠性",
        (Lang::ZhCn, Dimension::Responsiveness) => "响应性",
        (Lang::ZhCn, Dimension::Assurance) => "保证性",
        (Lang::ZhCn, Dimension::Empathy) => "关怀性",
        (Lang::ZhCn, Dimension::Tangibles) => "有形性",
        (Lang::En, Dimension::Reliability) => "Reliability",
        (Lang::En, Dimension::Responsiveness) => "Responsiveness",
        (Lang::En, Dimension::Assurance) => "Assurance",
        (Lang::En, Dimension::Empathy) => "Empathy",
        (Lang::En, Dimension::Tangibles) => "Tangibles",
    }
}

pub fn alert(l: Lang, r: AlertRule) -> &'static str {
    match (l, r) {
        (Lang::ZhCn, AlertRule::LowOverall) => "总体满意度低",
        (Lang::ZhCn, AlertRule::NpsDetractor) => "NPS 贬损者",
        (Lang::ZhCn, AlertRule::NotFixedFirstTime) => "未一次修复",
        (Lang::ZhCn, AlertRule::FcrNo) => "来电问题未解决",
        (Lang::ZhCn, AlertRule::ContactRequested) => "客户要求联系",
        (Lang::En, AlertRule::LowOverall) => "Low overall satisfaction",
        (Lang::En, AlertRule::NpsDetractor) => "NPS detractor",
        (Lang::En, AlertRule::NotFixedFirstTime) => "Not fixed first time",
        (Lang::En, AlertRule::FcrNo) => "Call not resolved",
        (Lang::En, AlertRule::ContactRequested) => "Asked to be contacted",
    }
}
