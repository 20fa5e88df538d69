// Written by `templates::codegen` from src/templates/*.json; do not edit. After
// changing a template: UPDATE_TEMPLATES=1 cargo test -p survey-core --lib templates

use super::parts::{locale, locales, option, q, s, survey, t};
#[allow(unused_imports)] // only a template whose condition names an answer needs them
use crate::answers::{Answer, ContactAnswer};
use crate::questionnaire::*;
use std::collections::BTreeMap;

pub(super) fn post_service() -> Definition {
    Definition {
        format: s("survey-definition/1"),
        id: survey("post-service"),
        version: 1,
        default_locale: locale("zh-CN"),
        locales: locales(&["zh-CN", "zh-TW", "en"]),
        title: t(&[("en", "After-sales service satisfaction survey"), ("zh-CN", "售后服务满意度调查"), ("zh-TW", "售後服務滿意度調查")]),
        pages: vec![
            Page {
                id: s("booking"),
                title: Some(t(&[("en", "Booking and reception"), ("zh-CN", "预约与接待"), ("zh-TW", "預約與接待")])),
                questions: vec![
                    Question { id: q("p_appointment"), text: t(&[("en", "Did we offer you an appointment? (Came without one? Choose “Not applicable”.)"), ("zh-CN", "本店是否为您提供了预约服务？（未预约直接到店请选“不适用”）"), ("zh-TW", "本店是否為您提供了預約服務？（未預約直接到店請選「不適用」）")]), required: true, input: Input::YesNo { allow_na: true }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Process), weight: None }), show_if: None, group: Some(s("booking")) },
                    Question { id: q("p_cost_estimate"), text: t(&[("en", "Did the service advisor estimate the cost?"), ("zh-CN", "服务顾问是否为您估算了维修、保养费用？"), ("zh-TW", "服務顧問是否為您估算了維修、保養費用？")]), required: true, input: Input::YesNo { allow_na: false }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Process), weight: None }), show_if: None, group: Some(s("booking")) },
                    Question { id: q("p_time_estimate"), text: t(&[("en", "Did the service advisor estimate when the work would be done?"), ("zh-CN", "服务顾问是否预估了完成维修、保养所需的时间？"), ("zh-TW", "服務顧問是否預估了完成維修、保養所需的時間？")]), required: true, input: Input::YesNo { allow_na: false }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Process), weight: None }), show_if: None, group: Some(s("booking")) },
                    Question { id: q("p_lounge_food"), text: t(&[("en", "Did the lounge offer free food and drinks?"), ("zh-CN", "休息室是否提供了免费食物（午餐、点心、饮料）？"), ("zh-TW", "休息室是否提供了免費食物（午餐、點心、飲料）？")]), required: true, input: Input::YesNo { allow_na: true }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Process), weight: None }), show_if: None, group: Some(s("booking")) },
                ],
                show_if: None,
            },
            Page {
                id: s("pickup"),
                title: Some(t(&[("en", "Picking up your car"), ("zh-CN", "交车"), ("zh-TW", "交車")])),
                questions: vec![
                    Question { id: q("p_inspect_invite"), text: t(&[("en", "Did the service advisor invite you to inspect the car after the work?"), ("zh-CN", "服务顾问是否邀请您检查维修、保养后的车辆？"), ("zh-TW", "服務顧問是否邀請您檢查維修、保養後的車輛？")]), required: true, input: Input::YesNo { allow_na: false }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Process), weight: None }), show_if: None, group: Some(s("pickup")) },
                    Question { id: q("p_advice"), text: t(&[("en", "Did the service advisor give you helpful advice?"), ("zh-CN", "服务顾问是否提供了有帮助的建议？"), ("zh-TW", "服務顧問是否提供了有幫助的建議？")]), required: true, input: Input::YesNo { allow_na: false }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Process), weight: None }), show_if: None, group: Some(s("pickup")) },
                    Question { id: q("p_on_time"), text: t(&[("en", "Was your car ready on time?"), ("zh-CN", "是否按时交车？"), ("zh-TW", "是否按時交車？")]), required: true, input: Input::YesNo { allow_na: false }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Process), weight: None }), show_if: None, group: Some(s("pickup")) },
                    Question { id: q("p_all_done"), text: t(&[("en", "Was everything you asked for done?"), ("zh-CN", "您提出的维修保养要求是否全部完成？"), ("zh-TW", "您提出的維修保養要求是否全部完成？")]), required: true, input: Input::YesNo { allow_na: false }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Process), weight: None }), show_if: None, group: Some(s("pickup")) },
                ],
                show_if: None,
            },
            Page {
                id: s("reception"),
                title: Some(t(&[("en", "Reception and lounge"), ("zh-CN", "接待与休息室"), ("zh-TW", "接待與休息室")])),
                questions: vec![
                    Question { id: q("s_wait_reception"), text: t(&[("en", "Time waiting to be received"), ("zh-CN", "等待接待的时间"), ("zh-TW", "等待接待的時間")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: Some(Dimension::Responsiveness), heart: None, role: None, weight: None }), show_if: None, group: None },
                    Question { id: q("s_lounge"), text: t(&[("en", "Comfort of the lounge"), ("zh-CN", "休息室环境的舒适程度"), ("zh-TW", "休息室環境的舒適程度")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: true, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: Some(Dimension::Tangibles), heart: None, role: None, weight: None }), show_if: None, group: None },
                ],
                show_if: None,
            },
            Page {
                id: s("charges"),
                title: Some(t(&[("en", "Charges"), ("zh-CN", "费用"), ("zh-TW", "費用")])),
                questions: vec![
                    Question { id: q("s_explanation"), text: t(&[("en", "Explanation of the work and the final charges"), ("zh-CN", "对维修保养项目和最终费用的解释"), ("zh-TW", "對維修保養項目和最終費用的解釋")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: Some(Dimension::Assurance), heart: None, role: None, weight: None }), show_if: None, group: None },
                    Question { id: q("s_fair_price"), text: t(&[("en", "How fair the charges were"), ("zh-CN", "收费的合理程度"), ("zh-TW", "收費的合理程度")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: Some(Dimension::Assurance), heart: None, role: None, weight: None }), show_if: None, group: None },
                ],
                show_if: None,
            },
            Page {
                id: s("work"),
                title: Some(t(&[("en", "The work on your car"), ("zh-CN", "维修保养"), ("zh-TW", "維修保養")])),
                questions: vec![
                    Question { id: q("s_clean"), text: t(&[("en", "Car clean inside and out"), ("zh-CN", "车辆内外的清洁"), ("zh-TW", "車輛內外的清潔")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: Some(Dimension::Tangibles), heart: None, role: None, weight: None }), show_if: None, group: None },
                    Question { id: q("s_duration"), text: t(&[("en", "Time the work took"), ("zh-CN", "维修保养所花的时间"), ("zh-TW", "維修保養所花的時間")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: Some(Dimension::Responsiveness), heart: None, role: None, weight: None }), show_if: None, group: None },
                    Question { id: q("s_quality"), text: t(&[("en", "Quality of the work"), ("zh-CN", "维修保养的质量"), ("zh-TW", "維修保養的品質")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: Some(Dimension::Reliability), heart: None, role: None, weight: None }), show_if: None, group: None },
                ],
                show_if: None,
            },
            Page {
                id: s("overall"),
                title: Some(t(&[("en", "Overall"), ("zh-CN", "整体评价"), ("zh-TW", "整體評價")])),
                questions: vec![
                    Question { id: q("s_advisor"), text: t(&[("en", "The service advisor, overall"), ("zh-CN", "对服务顾问所提供全部服务的满意度"), ("zh-TW", "對服務顧問所提供全部服務的滿意度")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: Some(Dimension::Empathy), heart: None, role: None, weight: None }), show_if: None, group: None },
                    Question { id: q("s_overall"), text: t(&[("en", "After-sales service, overall"), ("zh-CN", "售后服务的整体评价"), ("zh-TW", "售後服務的整體評價")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Happiness), role: Some(MetricRole::Csat), weight: None }), show_if: None, group: None },
                ],
                show_if: None,
            },
            Page {
                id: s("outcome"),
                title: Some(t(&[("en", "The result and your next visit"), ("zh-CN", "维修结果与下次服务"), ("zh-TW", "維修結果與下次服務")])),
                questions: vec![
                    Question { id: q("p_fixed_first_time"), text: t(&[("en", "Was your car fixed right the first time (no need to come back for the same problem)?"), ("zh-CN", "这次是否一次就把车修好了（无需为同一问题再次返厂）？"), ("zh-TW", "這次是否一次就把車修好了（無需為同一問題再次回廠）？")]), required: true, input: Input::YesNo { allow_na: true }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Process), weight: None }), show_if: None, group: None },
                    Question { id: q("return_intent"), text: t(&[("en", "How likely are you to come back to us for your next service?"), ("zh-CN", "下次保养或维修，您有多大可能再来我们这里？"), ("zh-TW", "下次保養或維修，您有多大可能再來我們這裡？")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very unlikely"), ("zh-CN", "完全不可能"), ("zh-TW", "完全不可能")]), high: t(&[("en", "Very likely"), ("zh-CN", "非常可能"), ("zh-TW", "非常可能")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Retention), role: None, weight: None }), show_if: None, group: None },
                ],
                show_if: None,
            },
            Page {
                id: s("recommend"),
                title: Some(t(&[("en", "Recommendation"), ("zh-CN", "推荐"), ("zh-TW", "推薦")])),
                questions: vec![
                    Question { id: q("nps"), text: t(&[("en", "How likely are you to recommend our service to a friend or relative?"), ("zh-CN", "您有多大可能向亲友推荐我们的售后服务？"), ("zh-TW", "您有多大可能向親友推薦我們的售後服務？")]), required: true, input: Input::Nps { low: t(&[("en", "Not at all likely"), ("zh-CN", "完全不可能"), ("zh-TW", "完全不可能")]), high: t(&[("en", "Extremely likely"), ("zh-CN", "非常可能"), ("zh-TW", "非常可能")]) }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Happiness), role: Some(MetricRole::Nps), weight: None }), show_if: None, group: None },
                ],
                show_if: None,
            },
            Page {
                id: s("follow_up"),
                title: Some(t(&[("en", "Follow-up"), ("zh-CN", "后续联系"), ("zh-TW", "後續聯絡")])),
                questions: vec![
                    Question { id: q("what_went_wrong"), text: t(&[("en", "We are sorry we let you down. What went wrong? (choose all that apply)"), ("zh-CN", "很抱歉这次没能让您满意。主要是哪些方面出了问题？（可多选）"), ("zh-TW", "很抱歉這次沒能讓您滿意。主要是哪些方面出了問題？（可複選）")]), required: false, input: Input::MultiChoice { options: vec![option("waiting", &[("en", "Long wait, or the car was late"), ("zh-CN", "等待太久或未按时交车"), ("zh-TW", "等待太久或未按時交車")]), option("not_fixed", &[("en", "The problem was not fixed"), ("zh-CN", "问题没有修好"), ("zh-TW", "問題沒有修好")]), option("price", &[("en", "Charges too high or not as quoted"), ("zh-CN", "收费偏高或与报价不符"), ("zh-TW", "收費偏高或與報價不符")]), option("explanation", &[("en", "The work or the charges were not explained"), ("zh-CN", "维修内容和费用没有解释清楚"), ("zh-TW", "維修內容和費用沒有解釋清楚")]), option("staff", &[("en", "The staff's attitude"), ("zh-CN", "员工的服务态度"), ("zh-TW", "員工的服務態度")]), option("clean", &[("en", "The car came back dirty"), ("zh-CN", "车辆交回时不干净"), ("zh-TW", "車輛交回時不乾淨")]), option("facilities", &[("en", "The lounge or the facilities"), ("zh-CN", "休息室或店内设施"), ("zh-TW", "休息室或店內設施")]), option("other", &[("en", "Something else"), ("zh-CN", "其他"), ("zh-TW", "其他")]), ], min_selected: None, max_selected: None }, scoring: None, show_if: Some(Condition::Any(vec![Condition::AtMost { question: q("s_overall"), value: 2 }, Condition::AtMost { question: q("nps"), value: 6 }, ])), group: None },
                    Question { id: q("contact_me"), text: t(&[("en", "Would you like our service manager to contact you?"), ("zh-CN", "希望我们的服务经理与您联系吗？"), ("zh-TW", "希望我們的服務經理與您聯絡嗎？")]), required: false, input: Input::Contact { channels: vec![ContactChannel::Phone, ContactChannel::Email, ] }, scoring: None, show_if: None, group: None },
                ],
                show_if: None,
            },
            Page {
                id: s("comment"),
                title: Some(t(&[("en", "Your comments"), ("zh-CN", "您的意见"), ("zh-TW", "您的意見")])),
                questions: vec![
                    Question { id: q("first_use"), text: t(&[("en", "Was this your first time using our online booking or express service? (optional)"), ("zh-CN", "这次是您第一次使用我们的在线预约或快修服务吗？（选填）"), ("zh-TW", "這次是您第一次使用我們的線上預約或快修服務嗎？（選填）")]), required: false, input: Input::YesNo { allow_na: true }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Adoption), role: None, weight: None }), show_if: None, group: None },
                    Question { id: q("comment"), text: t(&[("en", "Anything else you would like to tell us? (optional)"), ("zh-CN", "还有什么想告诉我们的吗？（选填）"), ("zh-TW", "還有什麼想告訴我們的嗎？（選填）")]), required: false, input: Input::Text { multiline: true, max_length: 1000 }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Engagement), role: None, weight: None }), show_if: None, group: None },
                ],
                show_if: None,
            },
        ],
        scoring: None,
        widget_texts: BTreeMap::new(),
        theme: BTreeMap::new(),
    }
}

pub(super) fn post_call() -> Definition {
    Definition {
        format: s("survey-definition/1"),
        id: survey("post-call"),
        version: 1,
        default_locale: locale("zh-CN"),
        locales: locales(&["zh-CN", "zh-TW", "en"]),
        title: t(&[("en", "How was your call with us?"), ("zh-CN", "通话满意度调查"), ("zh-TW", "通話滿意度調查")]),
        pages: vec![
            Page {
                id: s("call"),
                title: Some(t(&[("en", "Your call"), ("zh-CN", "本次通话"), ("zh-TW", "本次通話")])),
                questions: vec![
                    Question { id: q("csat"), text: t(&[("en", "Overall, how satisfied are you with this call?"), ("zh-CN", "您对本次通话的整体满意度如何？"), ("zh-TW", "您對本次通話的整體滿意度如何？")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Stars }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Happiness), role: Some(MetricRole::Csat), weight: None }), show_if: None, group: None },
                    Question { id: q("fcr"), text: t(&[("en", "Was your issue resolved in this call?"), ("zh-CN", "您的问题在这次通话中解决了吗？"), ("zh-TW", "您的問題在這次通話中解決了嗎？")]), required: true, input: Input::YesNo { allow_na: false }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Fcr), weight: None }), show_if: None, group: None },
                    Question { id: q("open_issue"), text: t(&[("en", "What is still open?"), ("zh-CN", "还有什么没有解决？"), ("zh-TW", "還有什麼沒有解決？")]), required: true, input: Input::SingleChoice { options: vec![option("awaiting_answer", &[("en", "I am still waiting for an answer"), ("zh-CN", "我还在等你们的答复"), ("zh-TW", "我還在等你們的答覆")]), option("needs_visit", &[("en", "I need to bring the car in"), ("zh-CN", "需要把车开到店里处理"), ("zh-TW", "需要把車開到店裡處理")]), option("passed_on", &[("en", "I was passed on to someone else"), ("zh-CN", "我被转给了其他人或部门"), ("zh-TW", "我被轉給了其他人或部門")]), option("not_understood", &[("en", "My issue was not understood"), ("zh-CN", "我的问题没有被理解"), ("zh-TW", "我的問題沒有被理解")]), option("other", &[("en", "Something else"), ("zh-CN", "其他"), ("zh-TW", "其他")]), ] }, scoring: None, show_if: Some(Condition::Equals { question: q("fcr"), value: Answer::YesNo(false) }), group: None },
                    Question { id: q("call_type"), text: t(&[("en", "Kind of call (filled in from the link)"), ("zh-CN", "通话类型（由链接自动填写）"), ("zh-TW", "通話類型（由連結自動填寫）")]), required: false, input: Input::Hidden { source: s("call_type") }, scoring: None, show_if: None, group: None },
                ],
                show_if: None,
            },
            Page {
                id: s("effort"),
                title: Some(t(&[("en", "Handling your issue"), ("zh-CN", "办理过程"), ("zh-TW", "辦理過程")])),
                questions: vec![
                    Question { id: q("ces"), text: t(&[("en", "“You made it easy for me to handle my issue.” How much do you agree?"), ("zh-CN", "“这次你们让我很容易就办好了事情。”您同意这个说法吗？"), ("zh-TW", "「這次你們讓我很容易就辦好了事情。」您同意這個說法嗎？")]), required: true, input: Input::Rating { points: 7, low: t(&[("en", "Strongly disagree"), ("zh-CN", "非常不同意"), ("zh-TW", "非常不同意")]), high: t(&[("en", "Strongly agree"), ("zh-CN", "非常同意"), ("zh-TW", "非常同意")]), allow_na: false, presentation: Presentation::Numbers }, scoring: Some(ScoringMeta { dimension: None, heart: None, role: Some(MetricRole::Ces), weight: None }), show_if: None, group: None },
                    Question { id: q("agent"), text: t(&[("en", "How would you rate the person you spoke with?"), ("zh-CN", "您如何评价与您通话的工作人员？"), ("zh-TW", "您如何評價與您通話的工作人員？")]), required: true, input: Input::Matrix { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, items: vec![MatrixItem { id: q("agent_courtesy"), text: t(&[("en", "Courtesy and patience"), ("zh-CN", "礼貌与耐心"), ("zh-TW", "禮貌與耐心")]), scoring: Some(ScoringMeta { dimension: Some(Dimension::Empathy), heart: None, role: None, weight: None }) }, MatrixItem { id: q("agent_knowledge"), text: t(&[("en", "Knowledge"), ("zh-CN", "专业知识"), ("zh-TW", "專業知識")]), scoring: Some(ScoringMeta { dimension: Some(Dimension::Assurance), heart: None, role: None, weight: None }) }, ] }, scoring: None, show_if: None, group: None },
                ],
                show_if: None,
            },
            Page {
                id: s("wrap_up"),
                title: Some(t(&[("en", "Finally"), ("zh-CN", "最后"), ("zh-TW", "最後")])),
                questions: vec![
                    Question { id: q("nps"), text: t(&[("en", "How likely are you to recommend us to a friend or relative?"), ("zh-CN", "您有多大可能向亲友推荐我们？"), ("zh-TW", "您有多大可能向親友推薦我們？")]), required: true, input: Input::Nps { low: t(&[("en", "Not at all likely"), ("zh-CN", "完全不可能"), ("zh-TW", "完全不可能")]), high: t(&[("en", "Extremely likely"), ("zh-CN", "非常可能"), ("zh-TW", "非常可能")]) }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Happiness), role: Some(MetricRole::Nps), weight: None }), show_if: None, group: None },
                    Question { id: q("first_use"), text: t(&[("en", "Was this your first time reaching us through the service hotline or our app? (optional)"), ("zh-CN", "这次是您第一次通过服务热线或我们的 App 联系我们吗？（选填）"), ("zh-TW", "這次是您第一次透過服務專線或我們的 App 聯絡我們嗎？（選填）")]), required: false, input: Input::YesNo { allow_na: true }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Adoption), role: None, weight: None }), show_if: None, group: None },
                    Question { id: q("comment"), text: t(&[("en", "Anything else you would like to tell us about this call? (optional)"), ("zh-CN", "关于这次通话，还有什么想告诉我们的吗？（选填）"), ("zh-TW", "關於這次通話，還有什麼想告訴我們的嗎？（選填）")]), required: false, input: Input::Text { multiline: true, max_length: 1000 }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Engagement), role: None, weight: None }), show_if: None, group: None },
                    Question { id: q("contact_me"), text: t(&[("en", "Would you like us to get back to you?"), ("zh-CN", "希望我们再与您联系吗？"), ("zh-TW", "希望我們再與您聯絡嗎？")]), required: false, input: Input::Contact { channels: vec![ContactChannel::Phone, ContactChannel::Email, ] }, scoring: None, show_if: None, group: None },
                ],
                show_if: None,
            },
        ],
        scoring: None,
        widget_texts: BTreeMap::new(),
        theme: BTreeMap::new(),
    }
}

pub(super) fn case_solved() -> Definition {
    Definition {
        format: s("survey-definition/1"),
        id: survey("case-solved"),
        version: 1,
        default_locale: locale("zh-CN"),
        locales: locales(&["zh-CN", "zh-TW", "en"]),
        title: t(&[("en", "Did we solve it?"), ("zh-CN", "您的问题解决了吗？"), ("zh-TW", "您的問題解決了嗎？")]),
        pages: vec![
            Page {
                id: s("solved"),
                title: Some(t(&[("en", "Your concern"), ("zh-CN", "您反映的问题"), ("zh-TW", "您反映的問題")])),
                questions: vec![
                    Question { id: q("solved"), text: t(&[("en", "Was your concern solved?"), ("zh-CN", "您反映的问题解决了吗？"), ("zh-TW", "您反映的問題解決了嗎？")]), required: true, input: Input::YesNo { allow_na: false }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::TaskSuccess), role: Some(MetricRole::Fcr), weight: None }), show_if: None, group: None },
                    Question { id: q("handling"), text: t(&[("en", "How satisfied are you with how we handled it?"), ("zh-CN", "您对我们处理这件事的方式满意吗？"), ("zh-TW", "您對我們處理這件事的方式滿意嗎？")]), required: true, input: Input::Rating { points: 5, low: t(&[("en", "Very dissatisfied"), ("zh-CN", "非常不满意"), ("zh-TW", "非常不滿意")]), high: t(&[("en", "Very satisfied"), ("zh-CN", "非常满意"), ("zh-TW", "非常滿意")]), allow_na: false, presentation: Presentation::Stars }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Happiness), role: Some(MetricRole::Csat), weight: None }), show_if: None, group: None },
                    Question { id: q("comment"), text: t(&[("en", "Anything else you would like to tell us? (optional)"), ("zh-CN", "还有什么想告诉我们的吗？（选填）"), ("zh-TW", "還有什麼想告訴我們的嗎？（選填）")]), required: false, input: Input::Text { multiline: true, max_length: 1000 }, scoring: Some(ScoringMeta { dimension: None, heart: Some(Heart::Engagement), role: None, weight: None }), show_if: None, group: None },
                ],
                show_if: None,
            },
        ],
        scoring: None,
        widget_texts: BTreeMap::new(),
        theme: BTreeMap::new(),
    }
}
