//! The notifications page's words in zh-CN and en (one match per language: a missing
//! text is a compile error, not a blank).

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum H {
    Nav,
    Heading,
    Intro,
    Current,
    NoneSet,
    Set,
    Url,
    UrlHint,
    Format,
    Plain,
    WeCom,
    DingTalk,
    Updated,
    Save,
    Remove,
    Saved,
    Removed,
}

pub fn h(l: Lang, key: H) -> &'static str {
    use H::*;
    match l {
        Lang::ZhCn => match key {
            Nav => "通知",
            Heading => "新工单和升级通知",
            Intro => "新的回访工单和超时升级会推送到这个地址（例如企业微信或钉钉群机器人）。推送失败会自动重试，不会丢失；推送内容不含客户电话等个人信息。",
            Current => "当前设置",
            NoneSet => "尚未设置：新工单和升级不会推送。",
            Set => "设置推送地址",
            Url => "推送地址",
            UrlHint => "以 https:// 开头（内网地址可用 http://）。",
            Format => "格式",
            Plain => "通用 JSON",
            WeCom => "企业微信群机器人",
            DingTalk => "钉钉群机器人",
            Updated => "更新时间",
            Save => "保存",
            Remove => "删除推送",
            Saved => "已保存。",
            Removed => "已删除；待推送的通知会在重新设置后发送。",
        },
        Lang::En => match key {
            Nav => "Notifications",
            Heading => "New-case and escalation notifications",
            Intro => "New follow-up cases and escalations are posted to this address (a WeCom or DingTalk group robot, for example). A failed post is retried until it is taken, never lost; nothing personal such as the customer's phone is sent.",
            Current => "Now",
            NoneSet => "Not set: new cases and escalations are not posted.",
            Set => "Set the address",
            Url => "Address",
            UrlHint => "Starts with https:// (or http:// inside your network).",
            Format => "Format",
            Plain => "Plain JSON",
            WeCom => "WeCom group robot",
            DingTalk => "DingTalk group robot",
            Updated => "Updated",
            Save => "Save",
            Remove => "Remove",
            Saved => "Saved.",
            Removed => "Removed; queued notifications are sent once an address is set again.",
        },
    }
}
